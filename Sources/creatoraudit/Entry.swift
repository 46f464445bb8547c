import CreatorAudit

@main
struct Main {
    static func main() async {
        await CLI.main()
    }
}
