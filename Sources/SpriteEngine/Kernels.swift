import SpriteStore

/// Building blocks for vectorized kernels: typed loops over a call's active rows.
enum Kernels {
    /// An output buffer of `length` positions with `f(i)` at each active position `i`.
    @inline(__always)
    static func produce<R: ColumnElement>(_ length: Int, _ rows: RowSet, _ f: (Int) throws(EngineError) -> R) throws(EngineError) -> [R] {
        var err: EngineError?
        let out = [R](unsafeUninitializedCapacity: length) { buf, initialized in
            if R.self == Bool.self {
                UnsafeMutableRawBufferPointer(buf).initializeMemory(as: UInt8.self, repeating: 0)
            }
            do {
                switch rows {
                case .range(let r):
                    for i in r { buf[i] = try f(i) }
                case .selection(let s):
                    try s.withUnsafeBufferPointer { sp throws(EngineError) in
                        for i in sp { buf[Int(i)] = try f(Int(i)) }
                    }
                }
            } catch {
                err = (error as? EngineError) ?? EngineError(.badArgument, "\(error)")
            }
            initialized = length
        }
        if let err { throw err }
        return out
    }

    /// A one-argument kernel `f` over typed values.
    @inline(__always)
    static func unary<A: ColumnElement, R: ColumnElement>(_ call: KernelCall, _ f: (A) throws(EngineError) -> R) throws(EngineError) -> Operand {
        switch call.args[0] {
        case .scalar(let v):
            return .scalar(try f(A.scalar(v)).value(as: call.resultType))
        case .column(let c):
            let a = A.values(c)
            let out = try a.withUnsafeBufferPointer { ap throws(EngineError) in
                try produce(call.length, call.rows) { i throws(EngineError) in try f(ap[i]) }
            }
            return .column(R.column(out))
        }
    }

    /// A two-argument kernel `f` over typed values, with tight loops for column/constant shapes.
    @inline(__always)
    static func binary<A: ColumnElement, B: ColumnElement, R: ColumnElement>(_ call: KernelCall, _ f: (A, B) -> R) -> Operand {
        switch (call.args[0], call.args[1]) {
        case (.scalar(let x), .scalar(let y)):
            return .scalar(f(A.scalar(x), B.scalar(y)).value(as: call.resultType))
        case (.column(let cx), .scalar(let y)):
            let a = A.values(cx), b = B.scalar(y)
            let out = a.withUnsafeBufferPointer { ap in
                try! produce(call.length, call.rows) { i in f(ap[i], b) }
            }
            return .column(R.column(out))
        case (.scalar(let x), .column(let cy)):
            let a = A.scalar(x), b = B.values(cy)
            let out = b.withUnsafeBufferPointer { bp in
                try! produce(call.length, call.rows) { i in f(a, bp[i]) }
            }
            return .column(R.column(out))
        case (.column(let cx), .column(let cy)):
            let a = A.values(cx), b = B.values(cy)
            let out = a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    try! produce(call.length, call.rows) { i in f(ap[i], bp[i]) }
                }
            }
            return .column(R.column(out))
        }
    }

    /// A kernel over any number of arguments, computed row by row through ``Arg`` accessors.
    @inline(__always)
    static func rowwise<R: ColumnElement>(_ call: KernelCall, _ f: (Int) throws(EngineError) -> R) throws(EngineError) -> Operand {
        if call.allScalar { return .scalar(try f(0).value(as: call.resultType)) }
        return .column(R.column(try produce(call.length, call.rows, f)))
    }

    /// A string-producing kernel computed row by row: `f(i, &out)` appends the value's bytes.
    @inline(__always)
    static func rowwiseString(_ call: KernelCall, _ f: (Int, inout [UInt8]) throws(EngineError) -> Void) throws(EngineError) -> Operand {
        var scratch: [UInt8] = []
        if call.allScalar {
            try f(0, &scratch)
            return .scalar(.string(String(decoding: scratch, as: UTF8.self)))
        }
        var out = StringOutput(length: call.length)
        try call.rows.forEach { i throws(EngineError) in
            scratch.removeAll(keepingCapacity: true)
            try f(i, &scratch)
            scratch.withUnsafeBufferPointer { out.append(at: i, $0) }
        }
        return .column(.string(out.finish()))
    }
}

/// A string column (plain or dictionary) or constant, readable by row without creating Strings.
struct StringArg {
    let array: StringArray
    let codes: [UInt32]?
    let isScalar: Bool

    init(_ operand: Operand) {
        switch operand {
        case .scalar(let v):
            if case .string(let s) = v { array = StringArray([s]) } else { array = StringArray([""]) }
            codes = nil; isScalar = true
        case .column(.string(let s)):
            array = s; codes = nil; isScalar = false
        case .column(.dictionary(let c, let d)):
            array = d; codes = c; isScalar = false
        case .column:
            preconditionFailure("expected a STRING column")
        }
    }

    /// The element index in ``array`` for row `i`.
    @inline(__always) func element(_ i: Int) -> Int {
        if isScalar { return 0 }
        if let codes { return Int(codes[i]) }
        return i
    }

    /// Calls `body` with the UTF-8 bytes of row `i`.
    @inline(__always) func withBytes<R, E: Error>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
        let e = element(i)
        let start = Int(array.offsets[e]), end = Int(array.offsets[e + 1])
        return try array.bytes.withUnsafeBufferPointer { (b) throws(E) -> R in
            try body(UnsafeBufferPointer(rebasing: b[start..<end]))
        }
    }

    /// Row `i` as a String (for the slow functions: regexes, parsing).
    @inline(__always) func string(_ i: Int) -> String { array[element(i)] }
}

/// Builds a physical-aligned plain string column: inactive positions hold empty strings.
struct StringOutput {
    private var offsets: [UInt32]
    private var bytes: [UInt8]
    private let length: Int

    init(length: Int, byteCapacity: Int = 0) {
        self.length = length
        offsets = [0]
        offsets.reserveCapacity(length + 1)
        bytes = []
        bytes.reserveCapacity(byteCapacity)
    }

    /// Sets position `pos` (positions must come in ascending order).
    mutating func append(at pos: Int, _ value: UnsafeBufferPointer<UInt8>) {
        let current = offsets[offsets.count - 1]
        while offsets.count <= pos { offsets.append(current) }
        bytes.append(contentsOf: value)
        offsets.append(UInt32(truncatingIfNeeded: bytes.count))
    }

    mutating func append(at pos: Int, _ value: String) {
        var s = value
        s.withUTF8 { append(at: pos, $0) }
    }

    mutating func finish() -> StringArray {
        let current = offsets[offsets.count - 1]
        while offsets.count <= length { offsets.append(current) }
        return StringArray(offsets: offsets, bytes: bytes)
    }
}
