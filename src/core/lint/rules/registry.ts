// The rule registry: every rule beyond the schema, in reporting order.
import type { Rule } from '../rule';
import { dnsRecord, networkName, networkUndeclared } from './dns';
import { imageUnpinned } from './image';
import { dnsDuplicate, nameLength, reservedName } from './names';
import {
  allowDomainsPortsDomain,
  allowDomainsPortsWeb,
  cidrFormat,
  domainFormat,
  entityUnknown,
  openInternet,
} from './network';
import { port53 } from './port53';
import { qos } from './qos';
import { gvisorUnsupported, kataUnsupported } from './runtime';
import { serviceName } from './serviceName';
import { unknownHelper } from './templates';
import { appTimeoutDeadline, gracePeriod } from './timeouts';
import { volumeDuplicate, volumeString, volumeUndeclared } from './volumes';

export const rules: readonly Rule[] = [
  serviceName,
  reservedName,
  nameLength,
  port53,
  qos,
  kataUnsupported,
  gvisorUnsupported,
  allowDomainsPortsWeb,
  allowDomainsPortsDomain,
  domainFormat,
  cidrFormat,
  entityUnknown,
  openInternet,
  dnsRecord,
  dnsDuplicate,
  networkName,
  networkUndeclared,
  volumeString,
  volumeUndeclared,
  volumeDuplicate,
  gracePeriod,
  appTimeoutDeadline,
  imageUnpinned,
  unknownHelper,
];
