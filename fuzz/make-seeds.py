#!/usr/bin/env python3
"""Writes the seeds of the targets added in issue 17 into fuzz/seeds/<target>/ from small real
files in fixtures/data (and the demo's evidence bundle, seeds/evidence_bundle/demo).
Targets whose input starts with a selector byte get that byte prepended here. Re-run after
changing a target's input layout: `python3 fuzz/make-seeds.py` from the repository root."""
import json, os, shutil

D = "fixtures/data"
S = "fuzz/seeds"

def rd(p):
    with open(os.path.join(D, p), "rb") as f:
        return f.read()

def put(target, name, data):
    os.makedirs(os.path.join(S, target), exist_ok=True)
    with open(os.path.join(S, target, name), "wb") as f:
        f.write(data)

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b

def tlv(tag, value):
    return bytes([tag]) + der_len(len(value)) + value

def children(data):
    """The DER elements of a concatenation, as (tag, raw) pairs."""
    out, i = [], 0
    while i < len(data):
        tag, l = data[i], data[i + 1]
        j = i + 2
        if l & 0x80:
            n = l & 0x7F
            l = int.from_bytes(data[j:j + n], "big")
            j += n
        out.append((tag, data[i:j + l], data[j:j + l]))
        i = j + l
    return out

# Every file's position in idproof_fuzz::every_file().
FILES = ["CardAccess", "CardSecurity", "AtrInfo", "Dir", "COM", "SOD"] + [f"DG{n}" for n in range(1, 17)]

def file_map(entries):
    out = b""
    for name, data in entries:
        assert len(data) <= 0x7FF, name
        out += bytes([FILES.index(name)]) + len(data).to_bytes(2, "big") + data
    return out

csca, dsc, crl = rd("pki/RU_CSCA.der"), rd("pki/RU_DSC.der"), rd("pki/csca/COL.crl")
sod = rd("lds/bsi2008_EF_SOD.bin")
bare_sod = children(sod)[0][2]
cardsec = rd("cardsecurity/ef_cardsecurity_dan.bin")

# A master list of two certificates: the ICAO list's own SignedData with its certList cut
# (the signature no longer matches, which is what the fuzzer should see most of the time).
ml = rd("pki/master-lists/ICAO_ml_01April2025.ml")
ci = children(children(ml)[0][2])
sd = children(children(ci[1][2])[0][2])
encap = children(sd[2][2])
econtent = children(children(encap[1][2])[0][2])[0][2]
version, certlist = children(econtent)[:2]
small = tlv(0x30, version[1] + tlv(0x31, b"".join(c[1] for c in children(certlist[2])[:2])))
new_encap = tlv(0x30, encap[0][1] + tlv(0xA0, tlv(0x04, small)))
signers = [c[1] for c in sd if c[0] == 0x31][-1]
new_sd = tlv(0x30, sd[0][1] + sd[1][1] + new_encap + signers)
small_ml = tlv(0x30, ci[0][1] + tlv(0xA0, new_sd))

ldif = (
    "dn: cn=RU CSCA,o=ml,c=RU,dc=data,dc=download,dc=pkd,dc=icao,dc=int\n"
    "objectClass: inetOrgPerson\n"
    "userCertificate;binary:: " + __import__("base64").b64encode(csca).decode() + "\n\n"
    "dn: cn=COL CRL,c=CO,dc=data,dc=download,dc=pkd,dc=icao,dc=int\n"
    "certificateRevocationList;binary:: " + __import__("base64").b64encode(crl).decode() + "\n"
).encode()

# A signed ICAO deviation list (no real one is published): two entries for the factory
# specimen's DSC (DG2 hash wrong, DG1 check digit wrong), made with idproof-fixtures'
# `factory::deviation::deviation_list` (the way fixtures/tests/pa_deviation.rs builds them).
with open("fuzz/data/deviation_list.der", "rb") as f:
    deviation = f.read()

put("asn1", "ru_dsc", dsc)
put("cms_signed_data", "deviation_list", b"\x00" + deviation)
put("trust_load", "deviation_list", b"\x01" + deviation)
put("asn1", "col_crl", crl)
put("asn1", "card_security", cardsec)
put("cms_signed_data", "card_security", b"\x00" + cardsec)
put("cms_signed_data", "bare_sod", b"\x01" + bare_sod)
put("cms_signed_data", "master_list", b"\x00" + small_ml)
put("certificate", "ru_csca", csca)
put("certificate", "ru_dsc", dsc)
put("crl", "col", crl)
put("ldif", "cert_and_crl", ldif)
put("trust_load", "csca", b"\x00" + csca)
put("trust_load", "crl", b"\x00" + crl)
put("trust_load", "ldif", b"\x01" + ldif)
put("trust_load", "master_list", b"\x01" + small_ml)
lds = [("COM", "lds/bsi2008_EF_COM.bin"), ("SOD", "lds/bsi2008_EF_SOD.bin"),
       ("DG1", "lds/bsi2008_Datagroup1.bin"), ("DG14", "lds/bsi2008_Datagroup14.bin"),
       ("DG15", "lds/bsi2008_Datagroup15.bin"), ("DG11", "lds/gmrtd_DG11_9303p10_example.bin"),
       ("DG12", "lds/gmrtd_DG12_example_a.bin"), ("CardSecurity", "cardsecurity/ef_cardsecurity_dan.bin")]
for name, path in lds:
    put("lds_files", name.lower(), bytes([FILES.index(name)]) + rd(path))
put("lds_files", "bare_sod", bytes([FILES.index("SOD")]) + bare_sod)
bsi2008 = file_map([(n, rd(p)) for n, p in lds[:5]])
put("verify_files", "bsi2008", b"\x01" + bsi2008)
put("verify_files", "bsi2008_no_mrz", b"\x00" + bsi2008)
put("evidence_bundle", "file_map", b"\x01" + bsi2008)
# `idproof demo --evidence demo.json --nonce 0102030405060708090A0B0C0D0E0F10 --csca-out
# fuzz/data/demo_csca.der` wrote it; its CSCA is what the target trusts.
with open(os.path.join(S, "evidence_bundle", "demo"), "rb") as f:
    demo = f.read()[1:]
bundle = json.loads(demo)
bundle["files"] = [f for f in bundle["files"] if f["file"] != "DG2"]
put("evidence_bundle", "demo_without_dg2", b"\x00" + json.dumps(bundle, separators=(",", ":")).encode())
ga_v2 = bytes.fromhex("7C14") + bytes.fromhex("8108") + bytes(8) + bytes.fromhex("8208") + bytes(8) + bytes.fromhex("9000")
for sel in range(8):
    put("chip_auth", f"ok_{sel}", bytes([sel]) + bytes.fromhex("9000") + b"\xff" + (ga_v2 if sel & 4 else b""))
