// An http check as the config resolves it, with the defaults, for probe tests that build checks
// by hand; each test overrides what its story is about (expect is merged, not replaced).
import { DEFAULTS, type HttpCheck } from '../../src/config/config.ts';

export type HttpCheckOverrides = Partial<Omit<HttpCheck, 'expect'>> & { expect?: Partial<HttpCheck['expect']> };

export function httpCheck(url: string, overrides: HttpCheckOverrides = {}): HttpCheck {
  const { expect: expectOverrides, ...rest } = overrides;
  return {
    name: 'portal-home',
    system: 'national-portal',
    kind: 'http',
    intervalSeconds: 60,
    timeoutSeconds: 5,
    failureThreshold: 2,
    successThreshold: 2,
    dependsOn: [],
    alertOn: 'critical',
    url,
    method: 'GET',
    headers: {},
    followRedirects: false,
    ipFamily: 4,
    userAgent: DEFAULTS.userAgent,
    tls: { verify: true },
    blocked: { status: [...DEFAULTS.blockedStatus], markers: [...DEFAULTS.blockedMarkers] },
    ...rest,
    expect: { status: DEFAULTS.httpStatus, json: [], maxBodyBytes: DEFAULTS.maxBodyBytes, ...expectOverrides },
  };
}
