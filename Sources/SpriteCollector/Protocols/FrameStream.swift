/// The outcome of trying to cut one frame from the front of a side's buffered bytes.
enum FrameParse<Frame> {
    /// A whole frame, `consumed` bytes long.
    case frame(Frame, consumed: Int)
    /// The frame is not complete. `payloadUntil`, when known, is the buffer offset up to which the
    /// missing bytes are opaque payload, so bytes lost there may be replaced by zeros.
    case needMore(payloadUntil: Int?)
    /// Not this protocol (or corrupt): resynchronise.
    case invalid
}

/// Cuts one side's byte stream into frames.
protocol FrameParser {
    associatedtype Frame
    /// Parses one frame from the start of `bytes`.
    mutating func parse(_ bytes: UnsafeRawBufferPointer) -> FrameParse<Frame>
    /// Whether a frame can begin at the start of `bytes` (the first bytes of an event), to leave
    /// resynchronisation.
    func canResume(at bytes: UnsafeRawBufferPointer) -> Bool
}

/// A frame with the times of the events that carried its first and last bytes.
struct Timed<Frame> {
    var frame: Frame
    var start: UInt64
    var end: UInt64
}

/// Buffers one side of a connection and cuts it into frames with a ``FrameParser``.
///
/// Bytes lost inside a frame's opaque payload (beyond the capture limit, or dropped events) are
/// replaced by zeros so the frames after it stay aligned; a loss anywhere else, a frame larger
/// than the buffer limit, or bytes the parser rejects put the stream into resynchronisation
/// until an event begins with something the parser recognises.
struct FrameStream<P: FrameParser> {
    var parser: P
    let maxBufferBytes: Int
    private(set) var errors = 0
    private(set) var resyncing = false
    private var buffer: [UInt8] = []
    private var start = 0
    private var frameStart: UInt64 = 0
    private var payloadUntil: Int?

    init(parser: P, maxBufferBytes: Int) {
        self.parser = parser
        self.maxBufferBytes = maxBufferBytes
    }

    /// Bytes buffered and not yet part of a frame.
    var buffered: Int { buffer.count - start }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, time: UInt64) -> [Timed<P.Frame>] {
        if bytes.isEmpty { return [] }
        if resyncing {
            guard parser.canResume(at: bytes) else { return [] }
            resyncing = false
        }
        if buffered == 0 {
            buffer.removeAll(keepingCapacity: true)
            start = 0
            frameStart = time
        }
        buffer.append(contentsOf: bytes)
        return run(time: time)
    }

    mutating func skip(_ count: Int, time: UInt64) -> [Timed<P.Frame>] {
        guard count > 0, !resyncing else { return [] }
        guard buffered > 0, let until = payloadUntil, buffer.count + count <= until, until - start <= maxBufferBytes else {
            enterResync()
            return []
        }
        buffer.append(contentsOf: repeatElement(0, count: count))
        return run(time: time)
    }

    /// Drops everything buffered and waits for a frame start (the session saw something wrong).
    mutating func enterResync() {
        if !resyncing { errors += 1 }
        resyncing = true
        buffer.removeAll(keepingCapacity: true)
        start = 0
        payloadUntil = nil
    }

    private mutating func run(time: UInt64) -> [Timed<P.Frame>] {
        var out: [Timed<P.Frame>] = []
        payloadUntil = nil
        while start < buffer.count {
            var p = parser
            let result = buffer.withUnsafeBytes { raw in p.parse(UnsafeRawBufferPointer(rebasing: raw[start...])) }
            parser = p
            switch result {
            case .frame(let f, let consumed):
                guard consumed > 0, consumed <= buffer.count - start else { enterResync(); return out }
                out.append(Timed(frame: f, start: frameStart, end: time))
                start += consumed
                frameStart = time
            case .needMore(let until):
                if buffered > maxBufferBytes { enterResync(); return out }
                payloadUntil = until.map { start + $0 }
                compact()
                return out
            case .invalid:
                enterResync()
                return out
            }
        }
        compact()
        return out
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            if let u = payloadUntil { payloadUntil = u - start }
            start = 0
        } else if start > 4096 {
            buffer.removeFirst(start)
            if let u = payloadUntil { payloadUntil = u - start }
            start = 0
        }
    }
}
