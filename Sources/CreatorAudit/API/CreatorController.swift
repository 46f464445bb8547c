// `/v2/creators`: groupings of accounts, and linking accounts to them.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

struct CreatorController {
    let publicURL: String
    let secrets: InstanceSecrets

    func addRoutes(to routes: Routes<TenantRequestContext>) {
        /// List creators, by name.
        routes.on(.get, "creators") { request, context in try await list(request, context) }
        /// Create a creator.
        routes.on(.post, "creators") { request, context in try await create(request, context) }
        /// One creator with a summary of its accounts.
        routes.on(.get, "creators/{id}") { request, context in try await show(request, context) }
        /// Rename, (de)activate or change a creator's metadata; deactivating pauses its accounts.
        routes.on(.patch, "creators/{id}") { request, context in try await update(request, context) }
        /// Delete a creator; its accounts are unlinked and stay tracked.
        routes.on(.delete, "creators/{id}") { request, context in try await delete(request, context) }
        /// Link an account to the creator (201 the first time, 200 if already linked, 409 if another creator owns it).
        routes.on(.put, "creators/{id}/accounts/{account_id}") { request, context in try await link(request, context) }
        /// Unlink an account from the creator.
        routes.on(.delete, "creators/{id}/accounts/{account_id}") { request, context in try await unlink(request, context) }
    }

    func list(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        var reader = QueryReader(request)
        let isActive = reader.bool("is_active")
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let page = try PageRequest.read(&reader, organizationID: context.organizationID, path: "/v2/creators", codec: codec,
                                        sortOptions: CreatorRepository.sortOptions, defaultSort: "name",
                                        defaultDirection: { _ in .asc })
        let result = try await context.store.creators.page(isActive: isActive, page.query)
        return page.response(result, codec: codec, request: request, publicURL: publicURL, json: Self.json)
    }

    func create(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        try await Idempotency.run(request: request, context: context) { body in
            body.required("name")
            let name = body.string("name", length: 1...255)
            let isActive = body.bool("is_active")
            let metadata = body.metadata()
            try body.validate()
            guard let name else { throw APIError.validation(body.errors) }
            let stored = try await context.store.creators.create(Creator(
                id: CreatorID(), organizationID: context.organizationID, name: name, isActive: isActive ?? true,
                metadata: metadata ?? [:], createdAt: .now))
            return .created(.object([("data", Self.json(stored))]), location: publicURL + "/v2/creators/" + stored.id.description)
        }
    }

    func show(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        guard let creator = try await context.store.creators.find(try context.pathID(CreatorID.self)) else {
            throw DomainError.notFound("creator")
        }
        return JSONReply.conditional(.object([("data", Self.json(creator))]), request: request)
    }

    func update(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(CreatorID.self)
        return try await Idempotency.run(request: request, context: context) { body in
            let name = body.string("name", length: 1...255)
            let isActive = body.bool("is_active")
            let metadata = body.metadata()
            try body.validate()
            let updated = try await context.store.creators.update(id) { creator in
                if let name { creator.name = name }
                if let isActive { creator.isActive = isActive }
                if let metadata { creator.metadata = metadata }
            }
            return .ok(.object([("data", Self.json(updated))]))
        }
    }

    func delete(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(CreatorID.self)
        return try await Idempotency.run(request: request, context: context) {
            guard try await context.store.creators.delete(id) else { throw DomainError.notFound("creator") }
            return .noContent
        }
    }

    func link(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(CreatorID.self)
        let accountID = try context.pathID(AccountID.self, "account_id")
        return try await Idempotency.run(request: request, context: context) {
            let (account, created) = try await context.store.creators.link(id, account: accountID)
            let body = JSONOut.object([("data", AccountController.json(account))])
            if created { return .created(body, location: publicURL + "/v2/accounts/" + account.id.description) }
            return .ok(body)
        }
    }

    func unlink(_ request: Request, _ context: TenantRequestContext) async throws -> Response {
        let id = try context.pathID(CreatorID.self)
        let accountID = try context.pathID(AccountID.self, "account_id")
        return try await Idempotency.run(request: request, context: context) {
            try await context.store.creators.unlink(id, account: accountID)
            return .noContent
        }
    }

    static func json(_ creator: Creator) -> JSONOut {
        .object([
            ("type", .string("creator")),
            ("id", .string(creator.id.description)),
            ("name", .string(creator.name)),
            ("is_active", .bool(creator.isActive)),
            ("metadata", .stringMap(creator.metadata)),
            ("accounts_summary", .object([
                ("total", .int(creator.accounts.total)),
                ("platforms", .object([("instagram", .int(creator.accounts.instagram)), ("tiktok", .int(creator.accounts.tiktok))])),
                ("total_followers", .int(creator.accounts.totalFollowers)),
            ])),
            ("created_at", .timestamp(creator.createdAt)),
        ])
    }
}
