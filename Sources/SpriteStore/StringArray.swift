/// A packed array of UTF-8 strings: one byte buffer and `count + 1` offsets into it.
///
/// This is the storage of every string column and dictionary: no per-value allocation, and
/// comparisons work on raw bytes.
public struct StringArray: Sendable, Hashable {
    @usableFromInline var _offsets: [UInt32]
    @usableFromInline var _bytes: [UInt8]

    /// `offsets[i] ..< offsets[i + 1]` is the byte range of element `i`.
    @inlinable public var offsets: [UInt32] { _offsets }
    /// The concatenated UTF-8 bytes of every element.
    @inlinable public var bytes: [UInt8] { _bytes }

    /// An empty array.
    public init() {
        _offsets = [0]
        _bytes = []
    }

    /// An empty array with room for `count` elements of `byteCapacity` bytes in all.
    public init(reservingCapacity count: Int, byteCapacity: Int) {
        _offsets = [0]
        _offsets.reserveCapacity(count + 1)
        _bytes = []
        _bytes.reserveCapacity(byteCapacity)
    }

    /// An array of the given strings.
    public init(_ strings: some Sequence<String>) {
        self.init()
        for s in strings { append(s) }
    }

    /// Builds an array directly from its buffers; `offsets` must start at 0 and be non-decreasing.
    public init(offsets: [UInt32], bytes: [UInt8]) {
        precondition(offsets.first == 0 && Int(offsets.last ?? 0) == bytes.count, "malformed StringArray buffers")
        _offsets = offsets
        _bytes = bytes
    }

    /// The number of strings.
    @inlinable public var count: Int { _offsets.count - 1 }

    /// Appends one string.
    @inlinable public mutating func append(_ string: String) {
        var s = string
        s.withUTF8 { _bytes.append(contentsOf: $0) }
        _offsets.append(UInt32(_bytes.count))
    }

    /// Appends one string given as UTF-8 bytes.
    @inlinable public mutating func append(utf8: UnsafeBufferPointer<UInt8>) {
        _bytes.append(contentsOf: utf8)
        _offsets.append(UInt32(_bytes.count))
    }

    /// Appends element `index` of `other`.
    public mutating func append(from other: StringArray, at index: Int) {
        let start = Int(other._offsets[index]), end = Int(other._offsets[index + 1])
        _bytes.append(contentsOf: other._bytes[start..<end])
        _offsets.append(UInt32(_bytes.count))
    }

    /// The string at `index`.
    public subscript(index: Int) -> String {
        let start = Int(_offsets[index]), end = Int(_offsets[index + 1])
        return _bytes.withUnsafeBufferPointer { buf in
            String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self)
        }
    }

    /// The byte length of the string at `index`.
    @inlinable public func utf8Count(at index: Int) -> Int {
        Int(_offsets[index + 1] &- _offsets[index])
    }

    /// Calls `body` with the UTF-8 bytes of the element at `index`.
    @inlinable public func withUTF8<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = Int(_offsets[index]), end = Int(_offsets[index + 1])
        return try _bytes.withUnsafeBufferPointer { buf in
            try body(UnsafeBufferPointer(rebasing: buf[start..<end]))
        }
    }

    /// Bytes held by the buffers (their capacity, not just their contents).
    public var allocatedBytes: Int {
        _offsets.capacity * MemoryLayout<UInt32>.stride + _bytes.capacity
    }

    /// Reserves room for more elements and bytes.
    public mutating func reserveCapacity(count: Int, bytes byteCount: Int) {
        _offsets.reserveCapacity(count + 1)
        _bytes.reserveCapacity(byteCount)
    }

    /// A copy whose buffers are exactly as large as their contents.
    public func compacted() -> StringArray {
        return StringArray(exactOffsets: offsets, exactBytes: bytes)
    }

    private init(exactOffsets: [UInt32], exactBytes: [UInt8]) {
        var o = [UInt32](); o.reserveCapacity(exactOffsets.count); o.append(contentsOf: exactOffsets)
        var b = [UInt8](); b.reserveCapacity(exactBytes.count); b.append(contentsOf: exactBytes)
        _offsets = o
        _bytes = b
    }
}

extension StringArray: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
}
