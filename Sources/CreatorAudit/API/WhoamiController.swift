// `GET /v2/whoami`: which organization and key a credential stands for.
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct WhoamiController {
    func addRoutes(to routes: Routes) {
        /// The organization and key this request authenticated as.
        routes.on(.get, "whoami") { _, context in try whoami(context) }
    }

    struct Whoami: Encodable {
        let type = "whoami"
        let organization_id: String
        let api_key_name: String
        let organization_name: String
        let api_key_id: String
        let scopes: [String]
        let expires_at: String?

        enum CodingKeys: String, CodingKey {
            case type, organization_id, api_key_name, organization_name, api_key_id, scopes, expires_at
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(type, forKey: .type)
            try container.encode(organization_id, forKey: .organization_id)
            try container.encode(api_key_name, forKey: .api_key_name)
            try container.encode(organization_name, forKey: .organization_name)
            try container.encode(api_key_id, forKey: .api_key_id)
            try container.encode(scopes, forKey: .scopes)
            try container.encode(expires_at, forKey: .expires_at)  // explicit null
        }
    }

    func whoami(_ context: AppRequestContext) throws -> Response {
        let key = try context.requireKey()
        return try JSONResponse.make(DataEnvelope(data: Whoami(
            organization_id: key.organizationID.description, api_key_name: key.name,
            organization_name: key.organizationName, api_key_id: key.keyID.description,
            scopes: key.scopes.map(\.rawValue), expires_at: key.expiresAt?.iso8601)))
    }
}
