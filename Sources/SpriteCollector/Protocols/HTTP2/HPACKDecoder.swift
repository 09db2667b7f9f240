import CNghttp2

/// One decoded header field.
struct HeaderField: Sendable, Equatable {
    var name: String
    var value: String
}

/// The header list of one header block, and how many of its fields could not be decoded.
struct HeaderBlock: Sendable, Equatable {
    var fields: [HeaderField]
    /// Fields left out because they reference HPACK dynamic-table entries Sprite never saw.
    var missing = 0

    /// The first value of `name`.
    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
}

/// Decodes the HPACK header blocks (RFC 7541) one endpoint sends on one HTTP/2 connection, with
/// libnghttp2's inflater.
///
/// While every block of the direction has been seen from its start, one inflater keeps the
/// dynamic table for the connection's life and every field is decoded. When that is not the case
/// (the connection was open before tracing began, or bytes of a header block were lost), the
/// dynamic table is unknown: each block is then rewritten so that it only uses the static table
/// and literals (fields indexed in the dynamic table, or named by it, are dropped and counted in
/// ``HeaderBlock/missing``; literals are no longer inserted into any table) and decoded by an
/// inflater whose dynamic table stays empty. A header value is therefore never guessed.
final class HPACKDecoder {
    /// Largest number of fields and bytes kept of one block (the rest is decoded and dropped).
    static let maxFields = 256
    static let maxBlockText = 64 << 10
    /// Entries in the static table (RFC 7541 Appendix A).
    static let staticTableSize = 61

    private var inflater: OpaquePointer?
    /// Whether the dynamic table is known (every block decoded since the connection began).
    private(set) var tracksDynamicTable: Bool
    private var tableSizeLimit = 4096

    init(tracksDynamicTable: Bool) {
        self.tracksDynamicTable = tracksDynamicTable
        inflater = Self.makeInflater()
    }

    deinit { if let inflater { nghttp2_hd_inflate_del(inflater) } }

    private static func makeInflater() -> OpaquePointer? {
        var p: OpaquePointer?
        return nghttp2_hd_inflate_new(&p) == 0 ? p : nil
    }

    /// The dynamic table can no longer be followed (a block was lost or failed to decode).
    func loseDynamicTable() {
        guard tracksDynamicTable else { return }
        tracksDynamicTable = false
        if let inflater { nghttp2_hd_inflate_del(inflater) }
        inflater = Self.makeInflater()
    }

    /// The peer allowed a dynamic table of `size` bytes (SETTINGS_HEADER_TABLE_SIZE). Only
    /// increases are applied: a smaller table is announced in the block itself.
    func allowTableSize(_ size: Int) {
        guard tracksDynamicTable, size > tableSizeLimit, size <= 1 << 24, let inflater else { return }
        if nghttp2_hd_inflate_change_table_size(inflater, size) == 0 { tableSizeLimit = size }
    }

    /// Decodes one complete header block; `nil` when it is not valid HPACK (the dynamic table is
    /// then lost for the rest of the connection).
    func decode(_ block: [UInt8]) -> HeaderBlock? {
        if tracksDynamicTable {
            if let fields = inflate(block) { return HeaderBlock(fields: fields) }
            loseDynamicTable()
            return nil
        }
        guard let (rewritten, missing) = Self.staticOnly(block) else { return nil }
        guard let fields = inflate(rewritten) else {
            // Only literals and static indices went in, so the table is still empty: just start over.
            if let inflater { nghttp2_hd_inflate_del(inflater) }
            inflater = Self.makeInflater()
            return nil
        }
        return HeaderBlock(fields: fields, missing: missing)
    }

    private func inflate(_ block: [UInt8]) -> [HeaderField]? {
        guard let inflater else { return nil }
        var fields: [HeaderField] = []
        var text = 0
        let emit = Int32(bitPattern: NGHTTP2_HD_INFLATE_EMIT.rawValue)
        let final = Int32(bitPattern: NGHTTP2_HD_INFLATE_FINAL.rawValue)
        var dummy: UInt8 = 0
        return block.withUnsafeBufferPointer { buf -> [HeaderField]? in
            var input = buf.baseAddress ?? withUnsafeMutablePointer(to: &dummy) { UnsafePointer($0) }
            var remaining = buf.count
            while true {
                var nv = nghttp2_nv()
                var flags: Int32 = 0
                let n = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, input, remaining, 1)
                if n < 0 || n > remaining { return nil }
                input += n
                remaining -= n
                if flags & emit != 0 {
                    text += nv.namelen + nv.valuelen
                    if fields.count < Self.maxFields && text <= Self.maxBlockText {
                        fields.append(HeaderField(name: Self.string(nv.name, nv.namelen), value: Self.string(nv.value, nv.valuelen)))
                    }
                }
                if flags & final != 0 {
                    nghttp2_hd_inflate_end_headers(inflater)
                    return fields
                }
                if flags & emit == 0 && remaining == 0 { return nil }
            }
        }
    }

    private static func string(_ p: UnsafeMutablePointer<UInt8>?, _ n: Int) -> String {
        guard let p, n > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    // MARK: - Decoding without the dynamic table

    /// `block` rewritten to use only the static table and literals without indexing, and the
    /// number of fields that had to be dropped; `nil` when the block's structure is invalid.
    static func staticOnly(_ block: [UInt8]) -> ([UInt8], Int)? {
        var out: [UInt8] = []
        out.reserveCapacity(block.count)
        var missing = 0
        var i = 0
        while i < block.count {
            let b = block[i]
            if b & 0x80 != 0 {
                // Indexed field.
                guard let index = integer(block, &i, prefix: 7), index > 0 else { return nil }
                if index <= staticTableSize { appendInteger(index, prefix: 7, first: 0x80, to: &out) } else { missing += 1 }
            } else if b & 0xE0 == 0x20 {
                // Dynamic table size update: only concerns the table being ignored.
                guard integer(block, &i, prefix: 5) != nil else { return nil }
            } else {
                // Literal with incremental indexing (6-bit name index), without indexing or never
                // indexed (4-bit): all become literals without indexing.
                let prefix = b & 0xC0 == 0x40 ? 6 : 4
                guard let nameIndex = integer(block, &i, prefix: prefix) else { return nil }
                var name: Range<Int>?
                if nameIndex == 0 {
                    guard let r = stringRange(block, &i) else { return nil }
                    name = r
                }
                guard let value = stringRange(block, &i) else { return nil }
                if let name {
                    out.append(0)
                    out.append(contentsOf: block[name])
                    out.append(contentsOf: block[value])
                } else if nameIndex <= staticTableSize {
                    appendInteger(nameIndex, prefix: 4, first: 0, to: &out)
                    out.append(contentsOf: block[value])
                } else {
                    missing += 1
                }
            }
        }
        return (out, missing)
    }

    /// Reads an HPACK integer with an `prefix`-bit prefix at `i` (RFC 7541 §5.1).
    static func integer(_ b: [UInt8], _ i: inout Int, prefix: Int) -> Int? {
        guard i < b.count else { return nil }
        let mask = (1 << prefix) - 1
        var v = Int(b[i]) & mask
        i += 1
        if v < mask { return v }
        var shift = 0
        while i < b.count {
            let c = b[i]
            i += 1
            v += Int(c & 0x7F) << shift
            shift += 7
            if v > 1 << 28 { return nil }
            if c & 0x80 == 0 { return v }
        }
        return nil
    }

    static func appendInteger(_ v: Int, prefix: Int, first: UInt8, to out: inout [UInt8]) {
        let mask = (1 << prefix) - 1
        if v < mask {
            out.append(first | UInt8(v))
            return
        }
        out.append(first | UInt8(mask))
        var r = v - mask
        while r >= 128 {
            out.append(UInt8(r & 0x7F) | 0x80)
            r >>= 7
        }
        out.append(UInt8(r))
    }

    /// The bytes of a string literal (its length prefix included) starting at `i`.
    private static func stringRange(_ b: [UInt8], _ i: inout Int) -> Range<Int>? {
        let start = i
        guard let length = integer(b, &i, prefix: 7), length <= b.count - i else { return nil }
        i += length
        return start..<i
    }
}
