package org.idproof.nfc

import android.nfc.Tag
import android.nfc.tech.IsoDep
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.ReceiveChannel
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.idproof.driver.ApduChannel
import org.idproof.driver.ConnectionLostException
import java.io.IOException

/**
 * [ApduChannel] over Android's [IsoDep]. A `TagLostException` (or any I/O failure of a
 * transceive: several phones report a tag slipping away as a bare `IOException`) becomes
 * [ConnectionLostException]; [reconnect] waits for the next tag delivered to [tags].
 *
 * Passports present a random UID on every activation, so "the same document" cannot be checked
 * by tag id: the core re-runs access control with the same key, which only that document passes.
 */
internal class IsoDepChannel(
    isoDep: IsoDep,
    private val tags: ReceiveChannel<Tag>,
    private val timeoutMs: Int,
    private val reconnectTimeoutMs: Long,
) : ApduChannel {
    var isoDep: IsoDep = isoDep
        private set

    override suspend fun transceive(apdu: ByteArray): ByteArray = runInterruptible(Dispatchers.IO) {
        try {
            isoDep.transceive(apdu)
        } catch (e: IOException) {
            throw ConnectionLostException("tag lost: ${e.javaClass.simpleName}", e)
        } catch (e: SecurityException) {
            // Thrown by IsoDep when the Tag object is out of date (the tag was lost and rediscovered).
            throw ConnectionLostException("tag out of date", e)
        }
    }

    override suspend fun reconnect(): Boolean {
        runCatching { isoDep.close() }
        val tag = withTimeoutOrNull(reconnectTimeoutMs) { tags.receive() } ?: return false
        val next = IsoDep.get(tag) ?: return false
        val connected = withContext(Dispatchers.IO) {
            runCatching {
                next.connect()
                next.timeout = timeoutMs
            }.isSuccess
        }
        if (connected) isoDep = next
        return connected
    }
}
