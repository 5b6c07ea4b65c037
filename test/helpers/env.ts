/** The environment variables tests read, in one place (the app itself reads the environment only in config.ts). */
export const testEnv = {
  TEST_DATABASE_URL: process.env['TEST_DATABASE_URL'] || undefined,
};
