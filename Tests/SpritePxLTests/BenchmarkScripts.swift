/// The benchmark queries from `bench/queries/*.pxl`, embedded as fixtures.
enum BenchmarkScripts {
    static let q1 = #"""
        # Q1: per-process request statistics (shape of px/http_request_stats).
        import px
        
        df = px.DataFrame(table='http_events')
        df.failure = df.resp_status >= 400
        df = df.groupby(['upid']).agg(
            requests=('latency', px.count),
            error_rate=('failure', px.mean),
            lat_mean=('latency', px.mean),
            lat_q=('latency', px.quantiles),
            bytes_out=('resp_body_size', px.sum),
        )
        df.p50 = px.pluck_float64(df.lat_q, 'p50')
        df.p99 = px.pluck_float64(df.lat_q, 'p99')
        df = df.drop(['lat_q'])
        px.display(df)
        """#

    static let q2 = #"""
        # Q2: string and numeric filter, then a small aggregate.
        import px
        
        df = px.DataFrame(table='http_events')
        df = df[px.contains(df.req_path, '/orders/') and df.resp_status >= 500]
        df = df.groupby(['req_path']).agg(n=('latency', px.count), worst=('latency', px.max))
        px.display(df)
        """#

    static let q3 = #"""
        # Q3: 10-second time bins per method.
        import px
        
        df = px.DataFrame(table='http_events')
        df.timestamp = px.bin(df.time_, px.seconds(10))
        df = df.groupby(['timestamp', 'req_method']).agg(n=('latency', px.count), lat=('latency', px.mean))
        px.display(df)
        """#

    static let q4 = #"""
        # Q4: two aggregates of one table joined on a key.
        import px
        
        df = px.DataFrame(table='http_events')
        all_reqs = df.groupby(['req_path']).agg(n=('latency', px.count), lat=('latency', px.mean))
        errs = df[df.resp_status >= 500]
        errs = errs.groupby(['req_path']).agg(errors=('latency', px.count))
        joined = all_reqs.merge(errs, how='left', left_on='req_path', right_on='req_path', suffixes=['', '_e'])
        joined.err_rate = joined.errors / joined.n
        px.display(joined)
        """#

    static let all = [q1, q2, q3, q4]
}
