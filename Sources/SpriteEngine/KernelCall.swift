import SpriteStore

/// What a scalar kernel receives: its evaluated arguments and the rows to compute.
///
/// Column arguments are physical-aligned: a kernel reads and writes positions in ``rows`` only,
/// and returns a column of ``length`` physical positions (or a scalar when every argument is one).
public struct KernelCall: @unchecked Sendable {
    let args: [Operand]
    /// The argument types (after implicit conversions).
    public let argTypes: [DataType]
    /// The result type the binder chose.
    public let resultType: DataType
    let rows: RowSet
    /// Physical length of the output column.
    let length: Int
    /// Query-wide state: `now`, process metadata.
    public let context: ExecutionContext

    /// Whether every argument is a constant.
    var allScalar: Bool { args.allSatisfy { $0.scalarValue != nil } }
}

/// A vectorized scalar function body.
typealias Kernel = @Sendable (KernelCall) throws(EngineError) -> Operand
