// Counts every request by route pattern, method and status, and times it (creatoraudit_http_requests_total,
// creatoraudit_http_request_duration_seconds). The outermost middleware, so it sees the final status of errors too
// (ProblemMiddleware, inside it, turns them into responses). The route is the router's pattern, never the path:
// ids in paths must not become label values.
import Hummingbird

struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: Int(response.status.code), started)
            return response
        } catch {
            // ProblemMiddleware answers every error; whatever still escapes is Hummingbird's to answer.
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, _ started: ContinuousClock.Instant) {
        // Hummingbird names a path no route matched `NotFound`; every such path is one label value.
        let route = context.endpointPath.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status, duration: .now - started)
    }
}
