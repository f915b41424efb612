//! Shared pieces of the fuzz targets: the ICAO 9303-11 Appendix D values, a scripted RNG and
//! the chip side of secure messaging (wrapping a plaintext reply with the App D session keys).

use idproof_core::mrz::MrzKey;
use idproof_core::sm::{SecureMessaging, SmKeys, push_do};

/// Decodes a hex constant.
pub fn h(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// D.3: RND.IFD ‖ K.IFD.
pub const TERMINAL_RANDOM: &str = "781723860C06C2260B795240CB7049B01C19B33E32804F0B";
/// D.3: RND.IC.
pub const RND_IC: &str = "4608F91988702212";
/// D.3: the chip's EXTERNAL AUTHENTICATE reply.
pub const EXTERNAL_AUTH_REPLY: &str =
    "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000";
/// D.3: session keys and initial SSC.
pub const KS_ENC: &str = "979EC13B1CBFE9DCD01AB0FED307EAE5";
pub const KS_MAC: &str = "F1CB1F1FB5ADF208806B89DC579DC1F8";
pub const SSC: &str = "887022120C06C226";

/// The App D MRZ key (L898902C, 690806, 940623).
pub fn mrz_key() -> MrzKey {
    MrzKey::new("L898902C", "690806", "940623").unwrap()
}

/// The App D secure-messaging channel (terminal side, before the first command).
pub fn app_d_sm() -> SecureMessaging {
    SecureMessaging::tdes(&arr(KS_ENC), &arr(KS_MAC), arr(SSC))
}

/// The App D session keys.
pub fn app_d_keys() -> SmKeys {
    app_d_sm().keys().clone()
}

/// A hex constant as a fixed-size array.
pub fn arr<const N: usize>(s: &str) -> [u8; N] {
    h(s).try_into().unwrap()
}

/// An RNG that repeats the App D terminal randomness, so every BAC run is the App D one.
pub struct CyclingRng(pub usize);

impl rand_core::RngCore for CyclingRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_be_bytes(b)
    }
    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_be_bytes(b)
    }
    fn fill_bytes(&mut self, dst: &mut [u8]) {
        let script = h(TERMINAL_RANDOM);
        for d in dst {
            *d = script[self.0 % script.len()];
            self.0 += 1;
        }
    }
}
impl rand_core::CryptoRng for CyclingRng {}

/// A protected reply (DO'87' if `data` is not empty, DO'99', DO'8E') at counter value `ssc`.
pub fn protect_reply(keys: &SmKeys, ssc: &[u8], data: &[u8], sw: [u8; 2]) -> Vec<u8> {
    let mut body = Vec::new();
    if !data.is_empty() {
        let mut value = vec![0x01];
        value.extend_from_slice(&keys.encrypt(ssc, data).unwrap());
        push_do(&mut body, 0x87, &value).unwrap();
    }
    push_do(&mut body, 0x99, &sw).unwrap();
    let mac = keys.mac(ssc, &body).unwrap();
    push_do(&mut body, 0x8E, &mac).unwrap();
    body.extend_from_slice(&sw);
    body
}

/// Every file a verification can be given, in a fixed order (a fuzzed byte picks one).
pub fn every_file() -> Vec<idproof_core::lds::LdsFile> {
    use idproof_core::lds::{DataGroup, LdsFile};
    let mut files = vec![
        LdsFile::CardAccess,
        LdsFile::CardSecurity,
        LdsFile::AtrInfo,
        LdsFile::Dir,
        LdsFile::Com,
        LdsFile::Sod,
    ];
    files.extend((1..=16).filter_map(DataGroup::new).map(LdsFile::Dg));
    files
}

/// A file map from fuzz input: segments of `selector ‖ u16 BE length (low 11 bits) ‖ bytes`,
/// the selector picking the file from [`every_file`] (a later segment for the same file
/// replaces the earlier one), so the fuzzer can combine e.g. a real EF.SOD with a mutated DG1.
pub fn file_map(
    mut input: &[u8],
) -> std::collections::BTreeMap<idproof_core::lds::LdsFile, Vec<u8>> {
    let all = every_file();
    let mut files = std::collections::BTreeMap::new();
    while let Some((&[selector, hi, lo], rest)) = input.split_first_chunk::<3>() {
        let len = usize::from(u16::from_be_bytes([hi, lo]) & 0x07FF).min(rest.len());
        let (bytes, rest) = rest.split_at(len);
        files.insert(all[usize::from(selector) % all.len()], bytes.to_vec());
        input = rest;
    }
    files
}
