import Testing

@testable import SpritePxL

@Suite("Statements")
struct StatementTests {
    @Test func imports() throws {
        let module = try parseModule("import px\nimport px as p, foo.bar\nfrom px import a, b as c\nfrom px.trace import (d,\n  e,)\n")
        #expect(module.statements.count == 4)
        #expect(module.statements[0].kind == .importModule([ImportedName("px", at: .init(line: 1, column: 8, offset: 7))]))
        guard case .importModule(let names) = module.statements[1].kind else {
            Issue.record("not an import")
            return
        }
        #expect(names.map(\.description) == ["px as p", "foo.bar"])
        #expect(names.map(\.boundName) == ["p", "foo.bar"])
        #expect(names.map { Position($0.location) } == [Position(2, 8), Position(2, 17)])
        guard case .importFrom(let module2, let names2) = module.statements[2].kind else {
            Issue.record("not a from-import")
            return
        }
        #expect(module2 == "px")
        #expect(names2.map(\.name) == ["a", "b"])
        #expect(names2.map(\.alias) == [nil, "c"])
        #expect(Position(names2[1].location) == Position(3, 19))
        #expect(module.statements[3].description == "from px.trace import d, e")
        #expect(module.statements.map { Position($0.location) } == [Position(1, 1), Position(2, 1), Position(3, 1), Position(4, 1)])
    }

    @Test func assignments() throws {
        let module = try parseModule("df = px.DataFrame(table='t')\ndf.failure = df.status >= 400\ndf['x'] = 1\n")
        #expect(module.statements.map(\.description) == [
            "df = px.DataFrame(table='t')",
            "df.failure = (df.status >= 400)",
            "df['x'] = 1",
        ])
        guard case .assignment(let target0, _) = module.statements[0].kind,
            case .assignment(let target1, let value1) = module.statements[1].kind,
            case .assignment(let target2, let value2) = module.statements[2].kind
        else {
            Issue.record("not assignments")
            return
        }
        #expect(target0 == .name(Identifier("df", at: .init(line: 1, column: 1, offset: 0))))
        guard case .attribute(let base, let name) = target1 else {
            Issue.record("not an attribute target")
            return
        }
        #expect(base.kind == .name("df"))
        #expect(name.name == "failure")
        #expect(Position(name.location) == Position(2, 4))
        #expect(Position(value1.location) == Position(2, 14))
        guard case .subscript(let base2, let index) = target2 else {
            Issue.record("not a subscript target")
            return
        }
        #expect(base2.kind == .name("df"))
        #expect(index.kind == .string("x"))
        #expect(Position(index.location) == Position(3, 4))
        #expect(value2.kind == .integer(1))
        #expect(Position(module.statements[2].location) == Position(3, 1))
        #expect(Position(target2.location) == Position(3, 1))
    }

    @Test func expressionStatementAndPass() throws {
        let module = try parseModule("px.display(df, 'out')\npass\n")
        #expect(module.statements.count == 2)
        #expect(module.statements[1].kind == .pass)
        guard case .expression(let expression) = module.statements[0].kind else {
            Issue.record("not an expression statement")
            return
        }
        #expect(expression.description == "px.display(df, 'out')")
    }

    @Test func semicolonsSeparateSimpleStatements() throws {
        let module = try parseModule("a = 1; b = 2;\nc = 3\n")
        #expect(module.statements.map(\.description) == ["a = 1", "b = 2", "c = 3"])
        #expect(module.statements.map { Position($0.location) } == [Position(1, 1), Position(1, 8), Position(2, 1)])
    }

    @Test func functionDefinition() throws {
        let source = """
            def f(a, b: str, c: px.Service,) -> px.DataFrame:
                '''Doc.'''
                x = a
                return x

            y = 1
            """
        let module = try parseModule(source)
        #expect(module.statements.count == 2)
        guard case .function(let function) = module.statements[0].kind else {
            Issue.record("not a function")
            return
        }
        #expect(function.name.name == "f")
        #expect(Position(function.name.location) == Position(1, 5))
        #expect(function.parameters.map(\.name.name) == ["a", "b", "c"])
        #expect(function.parameters.map { $0.annotation?.description } == [nil, "str", "px.Service"])
        #expect(function.parameters.map { Position($0.location) } == [Position(1, 7), Position(1, 10), Position(1, 18)])
        #expect(function.returnAnnotation?.description == "px.DataFrame")
        #expect(function.docstring == "Doc.")
        #expect(function.decorator == nil)
        #expect(function.body.map(\.description) == ["x = a", "return x"])
        #expect(function.body.map { Position($0.location) } == [Position(3, 5), Position(4, 5)])
        #expect(Position(module.statements[0].location) == Position(1, 1))
        #expect(Position(module.statements[1].location) == Position(6, 1))
        #expect(module.functions.map(\.name.name) == ["f"])
    }

    @Test func functionWithoutParametersAndOneLineBody() throws {
        let module = try parseModule("def f(): return 1\ndef g():\n    pass\n")
        #expect(module.functions.map(\.parameters.count) == [0, 0])
        #expect(module.functions[0].body.map(\.description) == ["return 1"])
        #expect(module.functions[1].body == [Statement(.pass, at: .init(line: 3, column: 5, offset: 31))])
    }

    @Test func bareReturnAndTupleReturn() throws {
        let module = try parseModule("def f():\n    return\ndef g():\n    return a, b\n")
        #expect(module.functions[0].body[0].kind == .return(nil))
        #expect(module.functions[1].body[0].description == "return (a, b)")
    }

    @Test func docstringOnlyFunction() throws {
        let module = try parseModule("def f():\n    \"\"\"Only docs.\"\"\"\n")
        #expect(module.functions[0].docstring == "Only docs.")
        #expect(module.functions[0].body.isEmpty)
    }

    @Test func decorator() throws {
        let source = """
            import px

            @px.vis.vega(spec='{}')
            def chart(start: str):
                return px.DataFrame(table='t', start_time=start)
            """
        let module = try parseModule(source)
        let function = try #require(module.functions.first)
        #expect(function.decorator?.description == "px.vis.vega(spec='{}')")
        #expect(function.decorator.map { Position($0.location) } == Position(3, 2))
        #expect(Position(module.statements[1].location) == Position(4, 1))
        #expect(function.description == """
            @px.vis.vega(spec='{}')
            def chart(start: str):
                return px.DataFrame(table='t', start_time=start)
            """)
    }

    @Test func moduleDocstringAndLaterStringsStayStatements() throws {
        let module = try parseModule("'''Module docs.'''\nimport px\n'not a docstring'\n")
        #expect(module.docstring == "Module docs.")
        #expect(module.statements.count == 2)
        #expect(module.statements[1].kind == .expression(Expression(.string("not a docstring"), at: .init(line: 3, column: 1, offset: 29))))
    }

    @Test func nestedFunctionsAndIndentationLevels() throws {
        let source = "def outer(a):\n\tdef inner(b):\n\t\treturn b\n\treturn inner(a)\nx = outer(1)\n"
        let module = try parseModule(source)
        let outer = try #require(module.functions.first)
        #expect(outer.body.count == 2)
        guard case .function(let inner) = outer.body[0].kind else {
            Issue.record("no inner function")
            return
        }
        #expect(inner.body.map(\.description) == ["return b"])
        #expect(Position(inner.body[0].location) == Position(3, 3))
        #expect(module.statements.count == 2)
    }

    @Test func blankAndCommentLinesInsideBodiesAreIgnored() throws {
        let source = "def f():\n\n    # leading comment\n    x = 1\n  # badly indented comment\n\n    return x\n# trailing\n"
        let module = try parseModule(source)
        #expect(module.functions[0].body.map(\.description) == ["x = 1", "return x"])
    }

    @Test func explicitLineJoining() throws {
        let module = try parseModule("x = 1 + \\\n    2\ny = 3\n")
        #expect(module.statements.map(\.description) == ["x = (1 + 2)", "y = 3"])
        #expect(Position(module.statements[1].location) == Position(3, 1))
    }

    @Test func noTrailingNewlineAndCRLF() throws {
        #expect(try parseModule("x = 1").statements.count == 1)
        let module = try parseModule("def f():\r\n    return 1\r\ny = 2\r")
        #expect(module.statements.count == 2)
        #expect(Position(module.statements[1].location) == Position(3, 1))
        #expect(try parseModule("").statements.isEmpty)
        #expect(try parseModule("\n\n  \n# only a comment").statements.isEmpty)
    }

    @Test func flags() throws {
        let source = "#px:set max_output_rows_per_table=500\n# px:set a=1 b=x=y  # trailing\nimport px\n#px:settings are a normal comment\n"
        let module = try parseModule(source)
        #expect(module.flags == ["max_output_rows_per_table": "500", "a": "1", "b": "x=y"])
        #expect(module.directives.map(\.key) == ["max_output_rows_per_table", "a", "b"])
        #expect(module.directives.map { Position($0.location) } == [Position(1, 9), Position(2, 10), Position(2, 14)])
        #expect(module.statements.count == 1)
    }

    @Test func repeatedFlagKeepsLastValueAndFileNameIsRecorded() throws {
        let module = try PxLParser.parse("#px:set a=1\n#px:set a=2\n", fileName: "f.pxl")
        #expect(module.flags == ["a": "2"])
        #expect(module.directives.count == 2)
        #expect(module.fileName == "f.pxl")
        #expect(module.statements.isEmpty)
    }
}
