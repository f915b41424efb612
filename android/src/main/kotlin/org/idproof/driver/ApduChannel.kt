package org.idproof.driver

/**
 * The transport under a read, and nothing else: one command APDU out, one response in.
 *
 * Android implements it over `IsoDep` ([org.idproof.nfc.IsoDepChannel]); tests implement it
 * over the simulator. Everything about status words, files and chunk sizes is decided in the
 * Rust core, never here.
 */
interface ApduChannel {
    /**
     * Sends [apdu] and returns the chip's response (data ‖ SW1 SW2).
     * Throws [ConnectionLostException] when the tag left the field.
     */
    suspend fun transceive(apdu: ByteArray): ByteArray

    /**
     * Waits until the document is back in the field and connected again. Returns `false` to
     * give up (timeout, user left the screen); the read then fails with `TAG_LOST`.
     */
    suspend fun reconnect(): Boolean
}

/** The tag left the field during [ApduChannel.transceive]; the read can resume. */
class ConnectionLostException(message: String = "tag lost", cause: Throwable? = null) :
    Exception(message, cause)
