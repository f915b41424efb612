import Foundation

/// The transport under a read, and nothing else: one command APDU out, one response in.
///
/// iOS implements it over CoreNFC's `NFCISO7816Tag` (`ISO7816Channel`); tests implement it over
/// the simulator. Status words, files and chunk sizes are decided in the Rust core, never here.
public protocol ApduChannel: AnyObject {
    /// Sends `apdu`, returns the chip's response (data ‖ SW1 SW2). Throws
    /// `ApduChannelError.connectionLost` when the tag left the field.
    func transceive(_ apdu: Data) async throws -> Data

    /// Waits until the document is back in the field and connected (on iOS possibly in a new
    /// reader session, after the 60-second cap). Returns `false` to give up: the read then
    /// fails with `TAG_LOST`.
    func reconnect() async -> Bool
}

/// Transport faults the driver loop understands.
public enum ApduChannelError: Error, Equatable {
    /// The tag left the field (or the reader session ended); the read can resume.
    case connectionLost
}
