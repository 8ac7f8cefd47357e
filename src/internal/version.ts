/** The package version, sent in the default user agent. A test keeps it equal to package.json's. */
export const version = "0.1.0"
