package org.idproof.nfc

import android.nfc.NfcAdapter
import android.nfc.Tag
import android.nfc.tech.IsoDep
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.withContext
import org.idproof.driver.ReadDriver
import org.idproof.driver.ReadEvent
import org.idproof.ffi.AccessKey
import org.idproof.ffi.Document
import org.idproof.ffi.IdProofException
import org.idproof.ffi.ReadOptions
import org.idproof.ffi.ReadProgress
import org.idproof.ffi.ReadSession
import org.idproof.ffi.defaultReadOptions

/**
 * Reads an eMRTD (passport, ID card) over NFC.
 *
 * ```kotlin
 * val reader = IdProofReader()
 * nfcAdapter.enableReaderMode(activity, { tag -> reader.onTagDiscovered(tag) },
 *     NfcAdapter.FLAG_READER_NFC_A or NfcAdapter.FLAG_READER_NFC_B or NfcAdapter.FLAG_READER_SKIP_NDEF_CHECK, null)
 * // first tag: start the read (from a coroutine, e.g. lifecycleScope)
 * val document = reader.read(tag, AccessKey.Mrz(mrzLines)) { p -> showProgress(p) }
 * ```
 *
 * While a read runs, keep forwarding discovered tags to [onTagDiscovered]: when the phone slips
 * off the document (`TagLostException`), the read waits up to [reconnectTimeoutMs] for the tag
 * to come back and continues at the byte it reached. Cancel the calling coroutine to stop.
 *
 * @param timeoutMs `IsoDep` transceive timeout; chips can take over a second for a large read.
 */
class IdProofReader(
    private val timeoutMs: Int = 5_000,
    private val reconnectTimeoutMs: Long = 30_000,
    private val maxReconnects: Int = ReadDriver.DEFAULT_MAX_RECONNECTS,
) {
    private val tags = Channel<Tag>(Channel.CONFLATED)

    /** Forward `NfcAdapter.ReaderCallback.onTagDiscovered` here (any thread). */
    fun onTagDiscovered(tag: Tag) {
        tags.trySend(tag)
    }

    /** Reads the document on [tag], opened with [key]. Throws `IdProofException` on failure. */
    suspend fun read(
        tag: Tag,
        key: AccessKey,
        options: ReadOptions = defaultReadOptions(),
        onProgress: suspend (ReadProgress) -> Unit = {},
    ): Document {
        val channel = connect(tag)
        try {
            val fitted = ReadDriver.fitToTransport(
                options,
                channel.isoDep.isExtendedLengthApduSupported,
                channel.isoDep.maxTransceiveLength,
            )
            return ReadSession(key, fitted).use { session ->
                ReadDriver.read(session, channel, maxReconnects, onProgress)
            }
        } finally {
            runCatching { channel.isoDep.close() }
        }
    }

    /** [read] as a [Flow] of progress, ending with the document. */
    fun readFlow(tag: Tag, key: AccessKey, options: ReadOptions = defaultReadOptions()): Flow<ReadEvent> = flow {
        val channel = connect(tag)
        try {
            val fitted = ReadDriver.fitToTransport(
                options,
                channel.isoDep.isExtendedLengthApduSupported,
                channel.isoDep.maxTransceiveLength,
            )
            ReadSession(key, fitted).use { session ->
                emitAll(ReadDriver.events(session, channel, maxReconnects))
            }
        } finally {
            runCatching { channel.isoDep.close() }
        }
    }

    private suspend fun connect(tag: Tag): IsoDepChannel {
        val isoDep = IsoDep.get(tag)
            ?: throw IdProofException.Unsupported("UNSUPPORTED", "the tag does not support ISO-DEP (ISO 14443-4)")
        withContext(Dispatchers.IO) {
            isoDep.connect()
            isoDep.timeout = timeoutMs
        }
        return IsoDepChannel(isoDep, tags, timeoutMs, reconnectTimeoutMs)
    }

    companion object {
        /** Reader-mode flags for eMRTDs: NFC-A and NFC-B, no NDEF probing (it disturbs some chips). */
        const val READER_FLAGS: Int =
            NfcAdapter.FLAG_READER_NFC_A or NfcAdapter.FLAG_READER_NFC_B or NfcAdapter.FLAG_READER_SKIP_NDEF_CHECK
    }
}
