import Testing
import SpriteStore
@testable import SpriteEngine

@Suite struct ErrorTests {
    let binder = Binder(catalog: StaticCatalog([eventsSchema, Schemas.httpEvents]))

    func error(_ plan: LogicalPlan) -> EngineError? {
        do { _ = try binder.schema(of: plan); return nil } catch { return error }
    }

    @Test func unknownColumnAndTable() {
        let e = error(.map(.scan("events"), [NamedExpr("x", .column("latencyy"))]))
        #expect(e?.code == .unknownColumn)
        #expect(e?.message == "Column 'latencyy' not found; did you mean 'latency'?")
        #expect(error(.scan("http_event"))?.message == "Table 'http_event' not found; did you mean 'http_events'?")
        #expect(error(.scan(table: "events", columns: ["nope"], start: nil, end: nil))?.code == .unknownColumn)
    }

    @Test func aggregateTypes() {
        let e = error(.aggregate(.scan("events"), keys: [], aggregates: [AggregateCall("s", "sum", "path")], mode: .full))
        #expect(e?.code == .typeMismatch)
        #expect(e?.message == "px.sum cannot take STRING")
        #expect(error(.aggregate(.scan("events"), keys: [], aggregates: [AggregateCall("s", "summ", "latency")], mode: .full))?.message
                == "Unknown aggregate 'px.summ'; did you mean 'px.sum'?")
        #expect(error(.aggregate(.scan("events"), keys: ["nokey"], aggregates: [], mode: .full))?.code == .unknownColumn)
        #expect(error(.aggregate(.scan("events"), keys: [], aggregates: [AggregateCall("q", "quantiles", "latency")], mode: .final))?.code == .typeMismatch)
    }

    @Test func functionTypes() {
        let e = error(.map(.scan("events"), [NamedExpr("x", .call("contains", [.column("latency"), "a"]))]))
        #expect(e?.code == .typeMismatch)
        #expect(e?.message.hasPrefix("px.contains cannot take (INT64, STRING)") == true)
        let u = error(.map(.scan("events"), [NamedExpr("x", .call("tolowr", [.column("path")]))]))
        #expect(u?.code == .unknownFunction)
        #expect(u?.message == "Unknown function 'px.tolowr'; did you mean 'px.tolower'?")
        #expect(error(.filter(.scan("events"), .column("status")))?.message == "A filter needs a BOOLEAN expression, got INT64")
        #expect(error(.map(.scan("events"), [NamedExpr("x", .call("regex_match", [.column("path"), .column("path")]))]))?.code == .notConstant)
        #expect(error(.map(.scan("events"), [NamedExpr("x", .column("path")), NamedExpr("x", .column("path"))]))?.code == .invalidPlan)
    }

    @Test func joinAndUnionTypes() {
        #expect(error(.join(left: .scan("events"), right: .scan("events"), how: .inner, leftOn: ["path"], rightOn: ["status"], suffixes: JoinSuffixes()))?.code == .typeMismatch)
        #expect(error(.union([.scan("events"), .scan("http_events")]))?.code == .typeMismatch)
        #expect(error(.join(left: .scan("events"), right: .scan("events"), how: .inner, leftOn: ["path"], rightOn: ["path"], suffixes: JoinSuffixes("", "")))?.code == .invalidPlan)
    }

    @Test func executionErrorsAreThrownNotCrashes() {
        #expect(throws: EngineError.self) {
            try Executor().execute(.map(.scan("events"), [NamedExpr("x", .call("replace", ["(", .column("path"), "x"]))]),
                                   store: makeStore(eventRows(5)), now: T0)
        }
    }
}
