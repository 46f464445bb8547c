// `GET /v2/whoami`: which organization and key a credential stands for.
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct WhoamiController {
    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// The organization and key this request authenticated as.
        routes.on(.get, "whoami") { request, context in whoami(request, context) }
    }

    func whoami(_ request: Request, _ context: TenantRequestContext) -> Response {
        let key = context.key
        return JSONReply.conditional(.object([("data", .object([
            ("type", .string("whoami")),
            ("organization_id", .string(key.organizationID.description)),
            ("api_key_name", .string(key.name)),
            ("organization_name", .string(key.organizationName)),
            ("api_key_id", .string(key.keyID.description)),
            ("scopes", .array(key.scopes.map { .string($0.rawValue) })),
            ("expires_at", .timestamp(key.expiresAt)),
        ]))]), request: request)
    }
}
