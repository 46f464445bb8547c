// Signing in and out, and accepting an invitation. A sign-in always starts a new session (a new id), the old
// one (if the browser sent any) is deleted. Unknown email and wrong password get the same answer and cost the
// same bcrypt time; failures are throttled (Auth/SignInThrottle.swift). The forms that start a session carry a
// pre-session CSRF token (PreSessionToken.swift); a successful sign-in marks the browser trusted for that email
// (TrustedDevice.swift).
import Foundation
import HTTPTypes
import Hummingbird

struct SignInController {
    let database: Database
    let sessions: SessionRepository
    let members: MemberRepository
    let administration: MemberAdministration
    let audit: AuditRepository
    let throttle: SignInThrottle
    let secrets: InstanceSecrets

    static let failedMessage = "The email or password is not correct."
    static let throttledMessage = "Too many failed sign-ins. Wait a few minutes, then try again."

    /// Routes that work without a session (the session, if any, is loaded but not required).
    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The sign-in form (the overview at `/` sends anyone without a session here).
        routes.on(.get, "sign-in") { request, context in
            if context.session != nil { return Pages.redirect("/") }
            let presession = PreSessionToken.ensure(request)
            var response = signInPage(csrf: PreSessionToken.formToken(presession.secret),
                                      signedOut: request.uri.queryParameters["signed_out"] != nil)
            PreSessionToken.apply(presession.setCookie, to: &response)
            return response
        }
        /// Checks email and password; on success a new session and a redirect to the overview.
        routes.on(.post, "sign-in") { request, context in try await signIn(request, context) }
        /// The page an invitation link opens.
        routes.on(.get, "invitations/{token}") { request, context in try await invitationPage(request, context) }
        /// Accepts an invitation (once) and signs the person in.
        routes.on(.post, "invitations/{token}") { request, context in try await acceptInvitation(request, context) }
    }

    /// Routes for a signed-in member (session and CSRF token checked by middleware).
    func addSignedInRoutes(to routes: Routes<AppRequestContext>) {
        /// Ends the session on the server and clears the cookie.
        routes.on(.post, "sign-out") { _, context in try await signOut(context) }
    }

    func signInPage(csrf: String, email: String = "", message: String? = nil, signedOut: Bool = false,
                    status: HTTPResponse.Status = .ok) -> Response {
        var values: [String: Any] = ["email": email, "signed_out": signedOut, "csrf": csrf]
        if let message { values["message"] = message }
        return Pages.bare("sign-in", title: "Sign in", values, status: status)
    }

    func signIn(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let form = try await FormData.read(request)
        guard PreSessionToken.isValid(request, form: form) else { throw APIError.crossSite }
        let csrf = form["csrf_token"] ?? ""
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        let address = context.clientAddress
        let device = try await TrustedDevice.load(secrets)
        let trusted = !email.isEmpty && device.isTrusted(request, email: email)
        guard !throttle.isBlocked(email: email, address: address, trustedDevice: trusted) else {
            return signInPage(csrf: csrf, email: email, message: Self.throttledMessage, status: .tooManyRequests)
        }
        let credentials = email.isEmpty ? nil : try await members.credentials(email: email)
        let matches = try await Passwords.verify(password, hash: credentials?.passwordHash ?? Passwords.decoyHash)
        guard let credentials, matches else {
            throttle.recordFailure(email: email, address: address)
            if let credentials {
                try await recordEvent("member.sign_in_failed", member: credentials.member, clientIP: address)
            }
            return signInPage(csrf: csrf, email: email, message: Self.failedMessage, status: .unauthorized)
        }
        let organizations = try await members.organizations(memberID: credentials.member.id)
        var response = try await startSession(
            member: credentials.member, organizationID: organizations.first?.id, replacing: context.session, clientIP: address)
        response.headers.append(HTTPField(name: .setCookie, value: device.cookie(for: email)))
        return response
    }

    func startSession(member: Member, organizationID: OrganizationID?, replacing old: DashboardSession?,
                      clientIP: String) async throws -> Response {
        if let old { try await sessions.delete(idHash: old.record.idHash) }
        let secret = try await sessions.create(memberID: member.id, organizationID: organizationID, clientIP: clientIP)
        if let organizationID {
            try await database.write { db in
                try await audit.record(AuditEvent(
                    organizationID: organizationID, actor: member.email, action: "member.signed_in", targetType: "member",
                    targetID: member.id.description, targetName: member.email, clientIP: clientIP), in: db)
            }
        }
        var response = Pages.redirect("/")
        response.headers[.setCookie] = SessionCookie.set(secret)
        return response
    }

    /// A failed sign-in of a known member is written to the audit log of each organization they belong to.
    func recordEvent(_ action: String, member: Member, clientIP: String) async throws {
        let organizations = try await members.organizations(memberID: member.id)
        try await database.write { db in
            for organization in organizations {
                try await audit.record(AuditEvent(
                    organizationID: organization.id, actor: member.email, action: action, targetType: "member",
                    targetID: member.id.description, targetName: member.email, clientIP: clientIP), in: db)
            }
        }
    }

    func signOut(_ context: AppRequestContext) async throws -> Response {
        if let session = context.session {
            try await sessions.delete(idHash: session.record.idHash)
            if let organizationID = session.organizationID {
                try await database.write { db in
                    try await audit.record(AuditEvent(
                        organizationID: organizationID, actor: session.email, action: "member.signed_out",
                        targetType: "member", targetID: session.memberID.description, targetName: session.email,
                        clientIP: context.clientAddress), in: db)
                }
            }
        }
        var response = Pages.redirect("/sign-in?signed_out=1")
        response.headers[.setCookie] = SessionCookie.clear
        return response
    }

    func invitationPage(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        guard let (invitation, existing) = try await administration.lookUpInvitation(token: token) else {
            throw DomainError.invitationUnusable
        }
        let organization = try await OrganizationRepository(database: database).find(invitation.organizationID)
        let presession = PreSessionToken.ensure(request)
        var response = Pages.bare("invitation", title: "Join \(organization?.name ?? "an organization")", [
            "organization_name": organization?.name ?? "", "email": invitation.email, "role": invitation.role.rawValue,
            "existing": existing, "token": token, "csrf": PreSessionToken.formToken(presession.secret),
        ], showsSecret: true)
        PreSessionToken.apply(presession.setCookie, to: &response)
        return response
    }

    func acceptInvitation(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let form = try await FormData.read(request)
        // A dead link answers 404 whoever asks; a live one needs the form's pre-session token.
        guard try await administration.lookUpInvitation(token: token) != nil else {
            throw DomainError.invitationUnusable
        }
        guard PreSessionToken.isValid(request, form: form) else { throw APIError.crossSite }
        let (member, organizationID) = try await administration.accept(
            token: token, password: form["password"] ?? "", clientIP: context.clientAddress)
        return try await startSession(member: member, organizationID: organizationID, replacing: context.session,
                                      clientIP: context.clientAddress)
    }
}
