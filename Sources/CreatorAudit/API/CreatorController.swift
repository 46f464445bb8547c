// `/v2/creators`: groupings of accounts, and linking accounts to them.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import SQLKit

struct CreatorController {
    let database: Database
    let publicURL: String
    let secrets: InstanceSecrets
    var repository: CreatorRepository { CreatorRepository(database: database) }
    var accounts: AccountRepository { AccountRepository(database: database) }

    static let sortOptions = [SortOption(name: "name", column: "name_sort", kind: .text, nullable: false)]

    func addRoutes(to routes: Routes) {
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

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        var reader = QueryReader(request)
        let isActive = reader.bool("is_active")
        let limit = reader.limit(range: 1...200, default: 50)
        let includeTotal = reader.includeTotal()
        let sort = reader.sort(Self.sortOptions, default: "name") { _ in .asc }
        let codec = CursorCodec(key: try await secrets.cursorKey())
        let page = try PageRequest.read(&reader, path: "/v2/creators", codec: codec, limit: limit, includeTotal: includeTotal, sort: sort)
        let (rows, total) = try await repository.page(organizationID: key.organizationID, isActive: isActive, page: page)
        let visible = rows.prefix(page.limit)
        let next = rows.count > page.limit ? try visible.last.map { try page.nextCursor(after: $0, codec: codec) } : nil
        return Page(items: try visible.map { Self.json(try CreatorRepository.decode($0)) }, nextCursor: next,
                    limit: page.limit, totalCount: total, echoed: page.echoed)
            .response(request: request, publicURL: publicURL)
    }

    func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let raw = try await JSONBody.collect(request, context: context)
        return try await Idempotency(database: database).run(request: request, context: context, rawBody: raw) {
            var body = try JSONBody.parse(raw)
            body.required("name")
            let name = body.string("name", length: 1...255)
            let isActive = body.bool("is_active")
            let metadata = body.metadata()
            try body.validate()
            guard let name else { throw APIError.validation(body.errors) }
            let creator = Creator(
                id: CreatorID(), organizationID: key.organizationID, name: name, isActive: isActive ?? true,
                metadata: metadata ?? [:], createdAt: .now)
            let stored = try await database.write { db -> Creator in
                try await repository.insert(creator, in: db)
                return try await repository.find(organizationID: key.organizationID, id: creator.id, in: db) ?? creator
            }
            return StoredReply(status: 201, body: JSONOut.object([("data", Self.json(stored))]).serialized(),
                               location: publicURL + "/v2/creators/" + stored.id.description)
        }
    }

    func show(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        guard let creator = try await repository.find(organizationID: key.organizationID, id: id) else {
            throw APIError.notFound("creator")
        }
        return JSONReply.conditional(.object([("data", Self.json(creator))]), request: request)
    }

    func update(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        var body = try await JSONBody.read(request, context: context)
        let name = body.string("name", length: 1...255)
        let isActive = body.bool("is_active")
        let metadata = body.metadata()
        try body.validate()
        let updated = try await database.write { db -> Creator in
            guard var creator = try await repository.find(organizationID: key.organizationID, id: id, in: db) else {
                throw APIError.notFound("creator")
            }
            let wasActive = creator.isActive
            if let name { creator.name = name }
            if let isActive { creator.isActive = isActive }
            if let metadata { creator.metadata = metadata }
            try await repository.save(creator, previouslyActive: wasActive, in: db)
            return try await repository.find(organizationID: key.organizationID, id: id, in: db) ?? creator
        }
        return JSONReply.make(.object([("data", Self.json(updated))]))
    }

    func delete(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        guard try await database.write({ db in try await repository.delete(organizationID: key.organizationID, id: id, in: db) })
        else { throw APIError.notFound("creator") }
        return Response(status: .noContent)
    }

    func link(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        let accountID = try AccountController.pathID(context, AccountID.self, "account_id")
        let (account, created) = try await database.write { db -> (Account, Bool) in
            guard let creator = try await repository.find(organizationID: key.organizationID, id: id, in: db) else {
                throw APIError.notFound("creator")
            }
            guard var account = try await accounts.find(organizationID: key.organizationID, id: accountID, in: db) else {
                throw APIError.notFound("account")
            }
            if account.creatorID == id.description { return (account, false) }
            if account.creatorID != nil {
                throw APIError.conflict("The account is linked to another creator; unlink it there first.")
            }
            account.creatorID = id.description
            if !creator.isActive && account.isActive {
                account.isActive = false
                account.pausedByCreator = true
            }
            try await accounts.saveSettings(account, in: db)
            return (try await accounts.find(organizationID: key.organizationID, id: accountID, in: db) ?? account, true)
        }
        let body = JSONOut.object([("data", AccountController.json(account))])
        if created {
            return JSONReply.make(body, status: .created, headers: [(.location, publicURL + "/v2/accounts/" + account.id.description)])
        }
        return JSONReply.make(body)
    }

    func unlink(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let key = try context.requireKey()
        let id = try AccountController.pathID(context, CreatorID.self)
        let accountID = try AccountController.pathID(context, AccountID.self, "account_id")
        try await database.write { db in
            guard try await repository.find(organizationID: key.organizationID, id: id, in: db) != nil,
                  var account = try await accounts.find(organizationID: key.organizationID, id: accountID, in: db),
                  account.creatorID == id.description
            else { throw APIError.notFound("link") }
            try await repository.resumePaused(organizationID: key.organizationID, creatorID: id, accountID: accountID, in: db)
            account = try await accounts.find(organizationID: key.organizationID, id: accountID, in: db) ?? account
            account.creatorID = nil
            try await accounts.saveSettings(account, in: db)
        }
        return Response(status: .noContent)
    }

    static func json(_ creator: Creator) -> JSONOut {
        .object([
            ("type", .string("creator")),
            ("id", .string(creator.id.description)),
            ("name", .string(creator.name)),
            ("is_active", .bool(creator.isActive)),
            ("metadata", .stringMap(creator.metadata)),
            ("accounts_summary", .object([
                ("total", .int(creator.accountCount)),
                ("platforms", .object([("instagram", .int(creator.instagramCount)), ("tiktok", .int(creator.tiktokCount))])),
                ("total_followers", .int(creator.totalFollowers)),
            ])),
            ("created_at", .timestamp(creator.createdAt)),
        ])
    }
}
