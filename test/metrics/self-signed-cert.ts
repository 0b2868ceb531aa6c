// A self-signed certificate for 127.0.0.1 (EC P-256, valid 100 years), for insecureSkipVerify tests:
// openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1
// A test key, worthless outside these tests.
export const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgCa90aKDFEyXISGci
02gyh8u3qDf/+06AKGXob0tsyFChRANCAAQv97m0xtRIm9bbaHPtQAQ35vMMwbw3
KpoFFh+CkZ71XnlXXrXVp0xVqbvC4cf/VRxhh4IFlImDaQpgIWhAzYSD
-----END PRIVATE KEY-----
`;

export const cert = `-----BEGIN CERTIFICATE-----
MIIBkDCCATagAwIBAgIUSKZVBZIvsY0omy1TwcdQ0coM8pEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNjE3MTg0M1oYDzIxMjYxMTAy
MTcxODQzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQv97m0xtRIm9bbaHPtQAQ35vMMwbw3KpoFFh+CkZ71XnlXXrXVp0xV
qbvC4cf/VRxhh4IFlImDaQpgIWhAzYSDo2QwYjAdBgNVHQ4EFgQUFcSwIm6UeCfr
avTmt9x1Mlm9fv4wHwYDVR0jBBgwFoAUFcSwIm6UeCfravTmt9x1Mlm9fv4wDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC
IHVFTFIkeEc7JRpcLySOuxI+6wm0tTX7lgOdEDd5BtVGAiEAq6Y4B5U45iB14U/Z
3Zmuiljx5Jrxc9/cAj65cqwp/Kc=
-----END CERTIFICATE-----
`;
