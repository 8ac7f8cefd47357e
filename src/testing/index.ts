export * as FakeBitbucket from "./FakeBitbucket.js"
