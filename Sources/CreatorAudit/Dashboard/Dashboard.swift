// The dashboard (README, "Dashboard"): server-rendered HTML at `/`, served by the same process and TLS as the API.
// Layers, outermost first: security headers on every response; same-origin check on every POST; the session
// (optional on the sign-in and invitation pages, required elsewhere); the CSRF token on every signed-in POST.
import Foundation
import Hummingbird

struct Dashboard {
    let services: AppServices
    let publicURL: String

    func addRoutes(to root: Routes<AppRequestContext>) {
        let database = services.database
        let sessions = SessionRepository(database: database)
        let members = MemberRepository(database: database)
        let administration = MemberAdministration(database: database)

        let dashboard = root.group(middleware: DashboardHeadersMiddleware())
        /// The stylesheet and the copy-button script.
        dashboard.on(.get, "static/app.css") { _, _ in Assets.response(Assets.stylesheet, contentType: "text/css; charset=utf-8") }
        dashboard.on(.get, "static/app.js") { _, _ in
            Assets.response(Assets.script, contentType: "text/javascript; charset=utf-8")
        }

        dashboard.on(.get, "static/icon.svg") { _, _ in Assets.response(Assets.icon, contentType: "image/svg+xml") }

        let forms = dashboard.group(middleware: SameOriginMiddleware(origin: SameOriginMiddleware.origin(of: publicURL)))
            .group(middleware: FormInputMiddleware())
        let signIn = SignInController(
            database: database, sessions: sessions, members: members, administration: administration,
            audit: AuditRepository(database: database), throttle: SignInThrottle(), secrets: services.secrets)
        signIn.addRoutes(to: forms.group(middleware: SessionMiddleware(sessions: sessions, members: members, required: false)))

        let signedIn = forms.group(middleware: SessionMiddleware(sessions: sessions, members: members, required: true))
            .group(middleware: CSRFTokenMiddleware())
        signIn.addSignedInRoutes(to: signedIn)
        KeysController(lifecycle: services.lifecycle, keys: APIKeyRepository(database: database), members: members,
                       sessions: sessions, usage: services.usage, mcpURL: publicURL + "/mcp").addRoutes(to: signedIn)
        MembersController(administration: administration, members: members, invitations: InvitationRepository(database: database),
                          sessions: sessions, publicURL: publicURL).addRoutes(to: signedIn)
        AuditController(audit: AuditRepository(database: database), members: members).addRoutes(to: signedIn)

        // The data pages: every read through the session organization's TenantStore and AnalyticsService.
        let data = DataPageServices(database: database, members: members, secrets: services.secrets)
        OverviewController(services: data).addRoutes(to: signedIn)
        AccountsController(services: data).addRoutes(to: signedIn)
        AccountDetailController(services: data).addRoutes(to: signedIn)
        CreatorsController(services: data).addRoutes(to: signedIn)
        CreatorDetailController(services: data).addRoutes(to: signedIn)
        VideosController(services: data).addRoutes(to: signedIn)
        VideoDetailController(services: data).addRoutes(to: signedIn)
        UsageController(services: data, keys: APIKeyRepository(database: database), usage: services.usage).addRoutes(to: signedIn)
        SettingsController(services: data, administration: administration, invitations: InvitationRepository(database: database),
                           onOrganizationChange: { [verifier = services.verifier] in verifier.invalidateAll() })
            .addRoutes(to: signedIn)
    }
}
