package org.idproof.driver

import org.idproof.ffi.IdProofException
import org.idproof.ffi.VirtualPassport

/** [ApduChannel] over the FFI's virtual passport: what `IsoDepChannel` is over a real chip. */
class SimulatorChannel(private val chip: VirtualPassport, private val comesBack: Boolean = true) : ApduChannel {
    var apdus = 0
        private set
    var reconnects = 0
        private set

    override suspend fun transceive(apdu: ByteArray): ByteArray {
        apdus++
        return try {
            chip.transmit(apdu)
        } catch (e: IdProofException.TagLost) {
            throw ConnectionLostException("simulated tag loss", e)
        }
    }

    override suspend fun reconnect(): Boolean {
        if (!comesBack) return false
        reconnects++
        chip.reconnect()
        return true
    }
}
