import SpriteStore

/// Evaluates bound expressions over chunks, column at a time.
///
/// Elementwise functions of one dictionary-encoded string column (and constants) run once per
/// dictionary entry; their results are mapped back through the codes (string results keep the
/// codes as they are).
struct Evaluator {
    let context: ExecutionContext

    func evaluate(_ e: BoundExpr, _ chunk: inout Chunk) throws(EngineError) -> Operand {
        switch e {
        case .column(let i, _):
            return chunk.operand(i)
        case .literal(let v, _):
            return .scalar(v)
        case .convert(let inner, let t):
            let o = try evaluate(inner, &chunk)
            return Self.convert(o, from: inner.type, to: t, rows: chunk.rows, length: chunk.length)
        case .call(_, let overload, let args, _):
            var ops: [Operand] = []
            ops.reserveCapacity(args.count)
            for a in args { ops.append(try evaluate(a, &chunk)) }
            if overload.isIdentity { return Self.retype(ops[0], overload.result) }
            if overload.elementwise, let lifted = try lift(overload, ops, args, chunk) { return lifted }
            let call = KernelCall(args: ops, argTypes: args.map(\.type), resultType: overload.result,
                                  rows: chunk.rows, length: chunk.length, context: context)
            return Self.retype(try overload.kernel(call), overload.result)
        }
    }

    /// Runs `overload` per dictionary entry when exactly one argument is a dictionary column and
    /// the others are constants; `nil` when that does not apply or would not pay.
    private func lift(_ overload: ScalarOverload, _ ops: [Operand], _ args: [BoundExpr], _ chunk: Chunk) throws(EngineError) -> Operand? {
        var dictIndex = -1
        for (i, o) in ops.enumerated() {
            switch o {
            case .scalar: continue
            case .column(.dictionary):
                if dictIndex >= 0 { return nil }
                dictIndex = i
            case .column: return nil
            }
        }
        guard dictIndex >= 0, case .column(.dictionary(let codes, let dict)) = ops[dictIndex] else { return nil }
        guard dict.count <= max(64, chunk.rows.count * 2) else { return nil }
        var lifted = ops
        lifted[dictIndex] = .column(.string(dict))
        let call = KernelCall(args: lifted, argTypes: args.map(\.type), resultType: overload.result,
                              rows: .range(0..<dict.count), length: dict.count, context: context)
        let r = Self.retype(try overload.kernel(call), overload.result)
        switch r {
        case .scalar:
            return r
        case .column(.string(let s)):
            return .column(.dictionary(codes: codes, dictionary: s))
        case .column(.dictionary(let inner, let d2)):
            let composed = Self.expand(inner, codes: codes, rows: chunk.rows, length: chunk.length)
            return .column(.dictionary(codes: composed, dictionary: d2))
        case .column(.int64(let v)):
            return .column(.int64(Self.expand(v, codes: codes, rows: chunk.rows, length: chunk.length)))
        case .column(.float64(let v)):
            return .column(.float64(Self.expand(v, codes: codes, rows: chunk.rows, length: chunk.length)))
        case .column(.boolean(let v)):
            return .column(.boolean(Self.expand(v, codes: codes, rows: chunk.rows, length: chunk.length)))
        case .column(.uint128(let v)):
            return .column(.uint128(Self.expand(v, codes: codes, rows: chunk.rows, length: chunk.length)))
        }
    }

    /// `out[i] = values[codes[i]]` at the active positions.
    @inline(__always)
    static func expand<T: ColumnElement>(_ values: [T], codes: [UInt32], rows: RowSet, length: Int) -> [T] {
        values.withUnsafeBufferPointer { vp in
            codes.withUnsafeBufferPointer { cp in
                try! Kernels.produce(length, rows) { i in vp[Int(cp[i])] }
            }
        }
    }

    @inline(__always)
    static func expand(_ values: [UInt32], codes: [UInt32], rows: RowSet, length: Int) -> [UInt32] {
        values.withUnsafeBufferPointer { vp in
            codes.withUnsafeBufferPointer { cp in
                [UInt32](unsafeUninitializedCapacity: length) { buf, n in
                    buf.initialize(repeating: 0)
                    rows.forEach { i in buf[i] = vp[Int(cp[i])] }
                    n = length
                }
            }
        }
    }

    /// Gives a scalar result the value kind of `type` (INT64 vs TIME64NS).
    static func retype(_ o: Operand, _ type: DataType) -> Operand {
        guard case .scalar(let v) = o else { return o }
        return .scalar(Binder.convertLiteral(v, to: type))
    }

    static func convert(_ o: Operand, from: DataType, to: DataType, rows: RowSet, length: Int) -> Operand {
        switch o {
        case .scalar(let v):
            return .scalar(Binder.convertLiteral(v, to: to))
        case .column(let c):
            if to == .float64, case .int64(let v) = c {
                let out = v.withUnsafeBufferPointer { vp in try! Kernels.produce(length, rows) { i in Double(vp[i]) } }
                return .column(.float64(out))
            }
            return o
        }
    }

    /// The positions where a BOOLEAN operand is true, within `rows`.
    static func select(_ predicate: Operand, _ rows: RowSet) -> RowSet {
        switch predicate {
        case .scalar(let v):
            if case .boolean(true) = v { return rows }
            return .selection([])
        case .column(.boolean(let mask)):
            return mask.withUnsafeBufferPointer { rows.filtered(by: $0) }
        case .column:
            preconditionFailure("a filter predicate must be BOOLEAN")
        }
    }
}
