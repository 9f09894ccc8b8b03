// The credentials a client hands berthd, in the Docker Engine API's shape: the body of
// `POST /auth`, and the base64url JSON of the `X-Registry-Auth` header on pull/push.
// Shared by the daemon, its registry client and the API client.

export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64("user:pass"), as stored in ~/.docker/config.json; used when username/password are absent. */
  auth?: string;
  email?: string;
  serveraddress?: string;
  /** A refresh token from an earlier login; exchanged at the token realm instead of a password. */
  identitytoken?: string;
  /** A bearer token sent to the registry as is, without asking any token realm. */
  registrytoken?: string;
}
