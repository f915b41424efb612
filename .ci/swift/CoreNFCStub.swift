// Type-check stub of the CoreNFC API surface ios/Sources/IdProof/IdProofReader.swift uses (iOS 15
// signatures), so .ci/test-swift can compile the `#if canImport(CoreNFC)` code on Linux. Not the real API:
// it catches our own type errors, not drift from Apple's SDK.
import Foundation
public protocol NFCISO7816Tag: AnyObject {
    func sendCommand(apdu: NFCISO7816APDU) async throws -> (Data, UInt8, UInt8)
}
public class NFCISO7816APDU { public init?(data: Data) { if data.isEmpty { return nil } } }
public struct NFCReaderError: Error {
    public enum Code: Int {
        case readerTransceiveErrorTagConnectionLost = 100
        case readerTransceiveErrorSessionInvalidated = 103
        case readerTransceiveErrorTagNotConnected = 104
        case readerSessionInvalidationErrorSessionTimeout = 201
        case readerSessionInvalidationErrorSessionTerminatedUnexpectedly = 202
        case readerTransceiveErrorRetryExceeded = 101
    }
    public var code: Code
}
