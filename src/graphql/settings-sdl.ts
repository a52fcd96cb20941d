/**
 * Webiny 6.4's background-task settings, named and shaped as Webiny has them
 * (`getSettings`, `updateSettings(input:)`, `WebinyBackgroundTaskSettingsResponse`):
 * the stored `retentionDays` every process reads (docs/run-history.md).
 */
export const SETTINGS_SDL = /* GraphQL */ `
"Webiny 6.4: settings of the background tasks, stored so every process reads them."
type WebinyBackgroundTaskSettings {
  "Days a finished task and its logs are kept; 0 keeps everything (at most 3650)."
  retentionDays: Int
}

type WebinyBackgroundTaskSettingsResponse {
  data: WebinyBackgroundTaskSettings
  error: WebinyBackgroundTaskError
}

input UpdateBackgroundTaskSettingsInput {
  retentionDays: Int
}

extend type WebinyBackgroundTaskQuery {
  getSettings: WebinyBackgroundTaskSettingsResponse
}

extend type WebinyBackgroundTaskMutation {
  updateSettings(input: UpdateBackgroundTaskSettingsInput!): WebinyBackgroundTaskSettingsResponse
}
`;
