package org.idproof.driver

import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.channelFlow
import org.idproof.ffi.Document
import org.idproof.ffi.ExtendedLength
import org.idproof.ffi.IdProofException
import org.idproof.ffi.ReadOptions
import org.idproof.ffi.ReadProgress
import org.idproof.ffi.ReadSession
import org.idproof.ffi.ReadStep

/** What a read emits as a [Flow]: progress reports, then the document. */
sealed interface ReadEvent {
    /** Where the read is (drives a "hold still" UI). */
    data class Progress(val progress: ReadProgress) : ReadEvent

    /** The read is complete. */
    data class Done(val document: Document) : ReadEvent
}

/**
 * The platform-free driver loop: steps a [ReadSession] over an [ApduChannel].
 *
 * Plain JVM (no `android.*`), so it is tested on a desktop JVM against the simulator.
 * Cancellation: the loop checks the coroutine before every step, so cancelling the calling
 * coroutine stops the read at the next APDU boundary.
 */
object ReadDriver {
    /** Reconnections allowed in one read before it fails with `TAG_LOST`. */
    const val DEFAULT_MAX_RECONNECTS = 16

    /**
     * Runs [session] over [channel] to the end and returns the document. A lost tag calls
     * `connectionLost()`, waits for [ApduChannel.reconnect] and continues where the read was.
     * Throws [IdProofException] when the read fails (e.g. `AccessDenied` for a wrong MRZ).
     */
    suspend fun read(
        session: ReadSession,
        channel: ApduChannel,
        maxReconnects: Int = DEFAULT_MAX_RECONNECTS,
        onProgress: suspend (ReadProgress) -> Unit = {},
    ): Document {
        var response: ByteArray? = null
        var reconnects = 0
        while (true) {
            currentCoroutineContext().ensureActive()
            when (val step = session.step(response)) {
                is ReadStep.Transmit -> response = try {
                    channel.transceive(step.apdu)
                } catch (lost: ConnectionLostException) {
                    session.connectionLost()
                    if (++reconnects > maxReconnects || !channel.reconnect()) {
                        throw IdProofException.TagLost("TAG_LOST", "the document left the field and did not come back")
                    }
                    null
                }
                is ReadStep.Progress -> {
                    onProgress(step.progress)
                    response = null
                }
                is ReadStep.Done -> return step.document
            }
        }
    }

    /** [read] as a cold [Flow]: [ReadEvent.Progress] events, then one [ReadEvent.Done]. */
    fun events(
        session: ReadSession,
        channel: ApduChannel,
        maxReconnects: Int = DEFAULT_MAX_RECONNECTS,
    ): Flow<ReadEvent> = channelFlow {
        val document = read(session, channel, maxReconnects) { send(ReadEvent.Progress(it)) }
        send(ReadEvent.Done(document))
    }

    /**
     * [options] limited to what the transport carries: extended length only when the phone
     * supports it, responses no larger than its transceive buffer (Android:
     * `IsoDep.isExtendedLengthApduSupported`, `IsoDep.maxTransceiveLength`).
     */
    fun fitToTransport(options: ReadOptions, extendedLengthSupported: Boolean, maxTransceiveLength: Int): ReadOptions {
        val max = maxTransceiveLength.coerceAtLeast(SHORT_RESPONSE_MAX).toUInt()
        return options.copy(
            extendedLength = if (extendedLengthSupported) options.extendedLength else ExtendedLength.NEVER,
            maxResponseLen = minOf(options.maxResponseLen, max),
        )
    }

    /** A short response: 256 data bytes and the status word. */
    private const val SHORT_RESPONSE_MAX = 258
}
