#if canImport(CoreNFC)
import CoreNFC
import Foundation

/// Reads an eMRTD (passport, ID card) over CoreNFC.
///
/// ```swift
/// let reader = IdProofReader()
/// // in tagReaderSession(_:didDetect:): try await session.connect(to: tag), then
/// //   first tag:   let doc = try await reader.read(tag: iso7816Tag, key: .mrz(lines: mrzLines)) { p in … }
/// //   later tags:  await reader.tagReconnected(iso7816Tag)     // resume after a loss or a new session
/// ```
///
/// **The 60-second cap.** iOS ends an `NFCTagReaderSession` 60 seconds after it began
/// (`NFCReaderError.readerSessionInvalidationErrorSessionTimeout`), and a tag can slip away at any
/// time. Either way the read is not lost: the channel reports the connection lost, the session
/// keeps everything read so far, and the read waits (up to `reconnectTimeout`) for the app to
/// start a new reader session, connect the tag again and pass it to `tagReconnected(_:)`; access
/// control is re-run and each file continues at the byte it reached.
///
/// Info.plist: `NFCReaderUsageDescription`, and `com.apple.developer.nfc.readersession.iso7816.select-identifiers`
/// containing `A0000002471001`; entitlement `com.apple.developer.nfc.readersession.formats` with `TAG`.
///
/// **PACE** (MRZ or `.can(can:)`), Chip Authentication and Active Authentication
/// (`ReadOptions(…, activeAuthenticationChallenge:)`) need nothing here beyond `sendCommand`:
/// they are APDUs, and the core does the cryptography. ID cards that answer only PACE are
/// reported by iOS 16+ only to sessions polling with `.pace` (entitlement format `PACE`); see
/// README.md. Verify the returned document with `verify(document:trustStore:atUnixSeconds:accessMrz:)`.
public final class IdProofReader: @unchecked Sendable {
    private let reconnectTimeout: TimeInterval
    private let maxReconnects: Int
    private let mailbox = TagMailbox<NFCISO7816Tag>()

    public init(reconnectTimeout: TimeInterval = 30, maxReconnects: Int = ReadDriver.defaultMaxReconnects) {
        self.reconnectTimeout = reconnectTimeout
        self.maxReconnects = maxReconnects
    }

    /// Hands a connected tag to a read waiting to resume (after a tag loss or the 60-second cap).
    public func tagReconnected(_ tag: NFCISO7816Tag) async {
        await mailbox.put(tag)
    }

    /// Reads the document on `tag` (already connected by the app's reader session), opened
    /// with `key`. Throws `IdProofError` on failure and `CancellationError` when cancelled.
    public func read(
        tag: NFCISO7816Tag,
        key: AccessKey,
        options: ReadOptions = defaultReadOptions(),
        progress: (ReadProgress) -> Void = { _ in }
    ) async throws -> Document {
        let session = try ReadSession(key: key, options: options)
        let channel = ISO7816Channel(tag: tag, mailbox: mailbox, reconnectTimeout: reconnectTimeout)
        return try await ReadDriver.read(session: session, channel: channel, maxReconnects: maxReconnects, progress: progress)
    }
}

/// `ApduChannel` over `NFCISO7816Tag.sendCommand`.
final class ISO7816Channel: ApduChannel {
    private var tag: NFCISO7816Tag
    private let mailbox: TagMailbox<NFCISO7816Tag>
    private let reconnectTimeout: TimeInterval

    init(tag: NFCISO7816Tag, mailbox: TagMailbox<NFCISO7816Tag>, reconnectTimeout: TimeInterval) {
        self.tag = tag
        self.mailbox = mailbox
        self.reconnectTimeout = reconnectTimeout
    }

    func transceive(_ apdu: Data) async throws -> Data {
        guard let command = NFCISO7816APDU(data: apdu) else {
            throw IdProofError.InvalidInput(code: "USAGE", detail: "CoreNFC rejected the command APDU")
        }
        do {
            let (data, sw1, sw2) = try await tag.sendCommand(apdu: command)
            return data + Data([sw1, sw2])
        } catch let error as NFCReaderError {
            switch error.code {
            case .readerTransceiveErrorTagConnectionLost,
                 .readerTransceiveErrorTagNotConnected,
                 .readerTransceiveErrorSessionInvalidated,
                 .readerSessionInvalidationErrorSessionTimeout,
                 .readerSessionInvalidationErrorSessionTerminatedUnexpectedly:
                throw ApduChannelError.connectionLost
            default:
                throw IdProofError.Transport(code: "TRANSPORT", detail: "CoreNFC error \(error.code.rawValue)")
            }
        }
    }

    func reconnect() async -> Bool {
        guard let next = await mailbox.next(timeout: reconnectTimeout) else { return false }
        tag = next
        return true
    }
}
#endif
