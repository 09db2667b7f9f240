import Testing
import SpriteStore
@testable import SpriteEngine

@Suite struct JoinTests {
    func table(_ name: String, _ keys: [String], _ values: [Int64]) -> LogicalPlan {
        valuesPlan([("k", keys.map { .string($0) }), (name, values.map { .int64($0) })])
    }

    func join(_ how: JoinType, leftRows: Int = 3) throws -> [[Value]] {
        let left = table("a", Array(["x", "y", "z", "x2", "x3"].prefix(leftRows)), Array([1, 2, 3, 4, 5].prefix(leftRows)))
        let right = table("b", ["y", "z", "z", "w"], [20, 30, 31, 40])
        let out = try Executor().execute(.join(left: left, right: right, how: how, leftOn: ["k"], rightOn: ["k"], suffixes: JoinSuffixes("", "_r")), now: T0)
        #expect(names(out.tables[0].batch) == ["k", "a", "k_r", "b"])
        return sortedRows(out.tables[0].batch)
    }

    func sorted(_ r: [[Value]]) -> [[Value]] { r.sorted { "\($0)" < "\($1)" } }

    @Test(arguments: [3, 5]) func inner(leftRows: Int) throws {
        #expect(try join(.inner, leftRows: leftRows) == sorted([[.string("y"), .int64(2), .string("y"), .int64(20)],
                                                                [.string("z"), .int64(3), .string("z"), .int64(30)],
                                                                [.string("z"), .int64(3), .string("z"), .int64(31)]]))
    }

    @Test(arguments: [3, 5]) func left(leftRows: Int) throws {
        var want: [[Value]] = [[.string("x"), .int64(1), .string(""), .int64(0)],
                               [.string("y"), .int64(2), .string("y"), .int64(20)],
                               [.string("z"), .int64(3), .string("z"), .int64(30)],
                               [.string("z"), .int64(3), .string("z"), .int64(31)]]
        if leftRows == 5 { want += [[.string("x2"), .int64(4), .string(""), .int64(0)], [.string("x3"), .int64(5), .string(""), .int64(0)]] }
        #expect(try join(.left, leftRows: leftRows) == sorted(want))
    }

    @Test func right() throws {
        #expect(try join(.right) == sorted([[.string("y"), .int64(2), .string("y"), .int64(20)],
                                            [.string("z"), .int64(3), .string("z"), .int64(30)],
                                            [.string("z"), .int64(3), .string("z"), .int64(31)],
                                            [.string("w"), .int64(0), .string("w"), .int64(40)]]))
    }

    @Test func outer() throws {
        #expect(try join(.outer) == sorted([[.string("x"), .int64(1), .string(""), .int64(0)],
                                            [.string("y"), .int64(2), .string("y"), .int64(20)],
                                            [.string("z"), .int64(3), .string("z"), .int64(30)],
                                            [.string("z"), .int64(3), .string("z"), .int64(31)],
                                            [.string("w"), .int64(0), .string("w"), .int64(40)]]))
    }

    @Test func multiKeyJoinOnStore() throws {
        let data = eventRows(30)
        let store = makeStore(data, cold: true)
        let a = LogicalPlan.aggregate(.scan("events"), keys: ["upid", "path"], aggregates: [AggregateCall("n", "count", "path")], mode: .full)
        let b = LogicalPlan.aggregate(.filter(.scan("events"), .call("greaterThanEqual", [.column("status"), 500])), keys: ["upid", "path"],
                                      aggregates: [AggregateCall("e", "count", "path")], mode: .full)
        let out = try run(.join(left: a, right: b, how: .inner, leftOn: ["upid", "path"], rightOn: ["upid", "path"], suffixes: JoinSuffixes("", "_e")), store)
        #expect(names(out) == ["upid", "path", "n", "upid_e", "path_e", "e"])
        let errs = Dictionary(grouping: data.filter { $0.status >= 500 }) { "\($0.upid)|\($0.path)" }
        #expect(out.count == errs.count)
        for r in rows(out) {
            guard case .uint128(let u) = r[0], case .string(let p) = r[1], case .int64(let e) = r[5] else { Issue.record("types"); continue }
            #expect(Int64(errs["\(u)|\(p)"]?.count ?? -1) == e)
            #expect(r[0] == r[3] && r[1] == r[4])
        }
    }
}
