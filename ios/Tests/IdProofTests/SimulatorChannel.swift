import Foundation
@testable import IdProof

/// `ApduChannel` over the FFI's virtual passport: what `ISO7816Channel` is over a real chip.
final class SimulatorChannel: ApduChannel {
    let chip: VirtualPassport
    let comesBack: Bool
    private(set) var apdus = 0
    private(set) var reconnects = 0

    init(_ chip: VirtualPassport, comesBack: Bool = true) {
        self.chip = chip
        self.comesBack = comesBack
    }

    func transceive(_ apdu: Data) async throws -> Data {
        apdus += 1
        do {
            return try chip.transmit(apdu: apdu)
        } catch IdProofError.TagLost {
            throw ApduChannelError.connectionLost
        }
    }

    func reconnect() async -> Bool {
        guard comesBack else { return false }
        reconnects += 1
        try? chip.reconnect()
        return true
    }
}
