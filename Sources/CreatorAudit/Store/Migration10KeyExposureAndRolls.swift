// Migration 10: what the key lifecycle must remember about a key beyond its status (README, "API keys").
// - `exposed_at`, `exposed_url`: a secret-scanning report matched this key (docs/secret-scanning.md). The key is
//   disabled at once; the dashboard flags it "exposed" and shows its owners a banner until it is deleted.
// - `replaced_by`: the successor a roll created. A key with a successor that is not deleted cannot be rolled again
//   (README, "API keys": one pending successor at a time).
extension Migrations {
    static let keyExposureAndRolls = Migration(
        version: 10, name: "api key exposure and roll successor",
        statements: [
            "ALTER TABLE api_keys ADD COLUMN exposed_at BIGINT NULL",
            "ALTER TABLE api_keys ADD COLUMN exposed_url TEXT NULL",
            "ALTER TABLE api_keys ADD COLUMN replaced_by TEXT NULL",
        ])
}
