import Foundation

/// What `ReadDriver.events` yields: progress reports, then the document.
public enum ReadEvent {
    /// Where the read is (drives a "hold still" UI).
    case progress(ReadProgress)
    /// The read is complete.
    case done(Document)
}

/// The platform-free driver loop: steps a `ReadSession` over an `ApduChannel`.
///
/// No CoreNFC here, so it is tested on Linux against the simulator. Cancelling the calling task
/// stops the read at the next APDU boundary (`CancellationError`).
public enum ReadDriver {
    /// Reconnections allowed in one read before it fails with `TAG_LOST`.
    public static let defaultMaxReconnects = 16

    /// Runs `session` over `channel` to the end. A lost tag calls `connectionLost()`, waits for
    /// `channel.reconnect()` and continues where the read was. Throws `IdProofError` when the
    /// read fails (e.g. `.AccessDenied` for a wrong MRZ).
    public static func read(
        session: ReadSession,
        channel: ApduChannel,
        maxReconnects: Int = defaultMaxReconnects,
        progress: (ReadProgress) -> Void = { _ in }
    ) async throws -> Document {
        var response: Data? = nil
        var reconnects = 0
        while true {
            try Task.checkCancellation()
            switch try session.step(response: response) {
            case .transmit(let apdu):
                do {
                    response = try await channel.transceive(apdu)
                } catch ApduChannelError.connectionLost {
                    try session.connectionLost()
                    reconnects += 1
                    guard reconnects <= maxReconnects, await channel.reconnect() else {
                        throw IdProofError.TagLost(
                            code: "TAG_LOST", detail: "the document left the field and did not come back")
                    }
                    response = nil
                }
            case .progress(let report):
                progress(report)
                response = nil
            case .done(let document):
                return document
            }
        }
    }

    /// `read` as an `AsyncThrowingStream`: `.progress` events, then one `.done`.
    /// Cancelling the consuming task (or dropping the stream) cancels the read.
    public static func events(
        session: ReadSession,
        channel: ApduChannel,
        maxReconnects: Int = defaultMaxReconnects
    ) -> AsyncThrowingStream<ReadEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let document = try await read(session: session, channel: channel, maxReconnects: maxReconnects) {
                        continuation.yield(.progress($0))
                    }
                    continuation.yield(.done(document))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A one-slot mailbox for tags rediscovered while a read waits in `reconnect()`: the NFC
/// delegate `put`s, the channel awaits `next(timeout:)`. Platform-free so it is tested here.
public actor TagMailbox<Tag> {
    private var pending: Tag?
    private var waiter: CheckedContinuation<Tag?, Never>?
    private var generation = 0

    public init() {}

    /// Delivers a tag: to the waiting reader, or kept (replacing an older one) for the next wait.
    public func put(_ tag: Tag) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: tag)
        } else {
            pending = tag
        }
    }

    /// The next tag, or `nil` after `timeout` seconds.
    public func next(timeout: TimeInterval) async -> Tag? {
        if let tag = pending {
            pending = nil
            return tag
        }
        generation += 1
        let mine = generation
        return await withCheckedContinuation { continuation in
            waiter = continuation
            Task {
                try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1_000_000_000))
                self.expire(mine)
            }
        }
    }

    private func expire(_ generation: Int) {
        guard generation == self.generation, let waiter else { return }
        self.waiter = nil
        waiter.resume(returning: nil)
    }
}
