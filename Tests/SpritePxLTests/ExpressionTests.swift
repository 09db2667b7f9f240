import Testing

@testable import SpritePxL

@Suite("Expressions")
struct ExpressionTests {
    @Test(arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b % c * d", "(((a / b) % c) * d)"),
        ("-a * b", "((-a) * b)"),
        ("- -a", "(-(-a))"),
        ("+a - -b", "((+a) - (-b))"),
        ("a + b == c * d", "((a + b) == (c * d))"),
        ("a < b and c >= d or e != f", "(((a < b) and (c >= d)) or (e != f))"),
        ("a or b and c", "(a or (b and c))"),
        ("a and b and c", "((a and b) and c)"),
        ("not a == b", "(not (a == b))"),
        ("not a and not b", "((not a) and (not b))"),
        ("not not a", "(not (not a))"),
        ("a <= b", "(a <= b)"),
        ("a > -1", "(a > (-1))"),
        ("-df.x.y", "(-df.x.y)"),
        ("-f(x)[0]", "(-f(x)[0])"),
        ("px.contains(df.req_path, '/orders/') and df.resp_status >= 500",
         "(px.contains(df.req_path, '/orders/') and (df.resp_status >= 500))"),
    ])
    func precedence(source: String, expected: String) throws {
        #expect(try parseExpression(source).description == expected)
    }

    @Test func literalShapes() throws {
        #expect(try parseExpression("None").kind == .none)
        #expect(try parseExpression("True").kind == .boolean(true))
        #expect(try parseExpression("False").kind == .boolean(false))
        #expect(try parseExpression("42").kind == .integer(42))
        #expect(try parseExpression("4.5").kind == .float(4.5))
        #expect(try parseExpression("'hi'.upper()").description == "'hi'.upper()")
        #expect(try parseExpression("f('a' \"b\" '''c''')").description == "f('abc')")
    }

    @Test func attributeCallAndSubscriptShapes() throws {
        let expression = try parseExpression("px.DataFrame(table='t', select=['a'])[0]")
        guard case .subscript(let base, let index) = expression.kind,
            case .call(let callee, let arguments) = base.kind,
            case .attribute(let object, let name) = callee.kind
        else {
            Issue.record("unexpected shape \(expression)")
            return
        }
        #expect(index.kind == .integer(0))
        #expect(Position(index.location) == Position(1, 39))
        #expect(object.kind == .name("px"))
        #expect(name == Identifier("DataFrame", at: SpritePxL.SourceLocation(line: 1, column: 4, offset: 3)))
        #expect(arguments.count == 2)
        #expect(arguments[0].label?.name == "table")
        #expect(Position(arguments[0].location) == Position(1, 14))
        #expect(arguments[0].value.kind == .string("t"))
        #expect(Position(arguments[0].value.location) == Position(1, 20))
        #expect(arguments[1].label?.name == "select")
        #expect(arguments[1].value.kind == .list([Expression(.string("a"), at: .init(line: 1, column: 33, offset: 32))]))
        #expect(Position(expression.location) == Position(1, 1))
    }

    @Test func positionalAndKeywordArguments() throws {
        let expression = try parseExpression("f(a, b, c=1, d=2,)")
        guard case .call(_, let arguments) = expression.kind else {
            Issue.record("not a call")
            return
        }
        #expect(arguments.map { $0.label?.name } == [nil, nil, "c", "d"])
        #expect(expression.description == "f(a, b, c=1, d=2)")
        #expect(try parseExpression("f()").description == "f()")
    }

    @Test func collections() throws {
        #expect(try parseExpression("[]").kind == .list([]))
        #expect(try parseExpression("()").kind == .tuple([]))
        #expect(try parseExpression("{}").kind == .dictionary([]))
        #expect(try parseExpression("[1, 2,]").description == "[1, 2]")
        #expect(try parseExpression("(1,)").description == "(1,)")
        #expect(try parseExpression("(1, 'a')").description == "(1, 'a')")
        #expect(try parseExpression("1, 2").description == "(1, 2)")
        #expect(try parseExpression("{'a': 1, 'b': [x, y],}").description == "{'a': 1, 'b': [x, y]}")
        #expect(try parseExpression("df[['a', 'b']]").description == "df[['a', 'b']]")
        #expect(try parseExpression("df[a, b]").description == "df[a, b]")
        let tuple = try parseExpression("  (a, b)".trimmingPrefixSpaces())
        #expect(Position(tuple.location) == Position(1, 1))
    }

    @Test func binaryLocationsPointAtLeftOperand() throws {
        let expression = try parseExpression("x = 1\nfoo + bar * baz".split(separator: "\n").last.map(String.init) ?? "")
        guard case .binary(.add, let left, let right) = expression.kind,
            case .binary(.multiply, let middle, _) = right.kind
        else {
            Issue.record("unexpected shape")
            return
        }
        #expect(Position(left.location) == Position(1, 1))
        #expect(Position(right.location) == Position(1, 7))
        #expect(Position(middle.location) == Position(1, 7))
    }

    @Test func parenthesizedExpressionKeepsInnerLocation() throws {
        let expression = try parseExpression("(  a + b)")
        #expect(Position(expression.location) == Position(1, 4))
    }

    @Test func multiLineCallWithImplicitJoining() throws {
        let source = """
            df.groupby(['service']).agg(
                requests=('latency', px.count),
                lat_q=('latency', px.quantiles),
            )
            """
        let expression = try parseExpression(source)
        guard case .call(_, let arguments) = expression.kind else {
            Issue.record("not a call")
            return
        }
        #expect(arguments.map { Position($0.location) } == [Position(2, 5), Position(3, 5)])
        #expect(expression.description
            == "df.groupby(['service']).agg(requests=('latency', px.count), lat_q=('latency', px.quantiles))")
    }

    @Test func operatorEnumProperties() {
        #expect(BinaryOperator.or.precedence < BinaryOperator.and.precedence)
        #expect(BinaryOperator.and.precedence < BinaryOperator.equal.precedence)
        #expect(BinaryOperator.equal.precedence < BinaryOperator.add.precedence)
        #expect(BinaryOperator.add.precedence < BinaryOperator.multiply.precedence)
        #expect(BinaryOperator.less.isComparison && !BinaryOperator.add.isComparison)
        #expect(BinaryOperator.or.isLogical && !BinaryOperator.less.isLogical)
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = 150
        let source = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
        #expect(try parseExpression(source).kind == .integer(1))
        let negations = String(repeating: "-", count: 150) + "x"
        _ = try parseExpression(negations)
        let lists = String(repeating: "[", count: 199) + String(repeating: "]", count: 199)
        _ = try parseExpression(lists)
        let calls = String(repeating: "f(", count: 99) + String(repeating: ")", count: 99)
        _ = try parseExpression(calls)
    }
}

extension String {
    fileprivate func trimmingPrefixSpaces() -> String {
        String(drop(while: { $0 == " " }))
    }
}
