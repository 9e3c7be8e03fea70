// Loads our Observer proto (observerProto.ts) into a grpc-js service definition, from the embedded text: no file
// lookup at run time. google/protobuf/{timestamp,wrappers} come from protobufjs' bundled common definitions.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';
import { OBSERVER_PROTO } from './observerProto';

/** Decoded messages keep proto field names; 64-bit integers as strings, enums as names, oneofs named. */
export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

let cached: protoLoader.PackageDefinition | undefined;

export function observerPackageDefinition(): protoLoader.PackageDefinition {
  if (cached) return cached;
  const parsed = protobuf.parse(OBSERVER_PROTO, new protobuf.Root(), { keepCase: true });
  for (const file of parsed.imports ?? []) {
    const json = protobuf.common.get(file);
    if (!json) throw new Error(`observer.proto imports ${file}, which protobufjs does not bundle`);
    parsed.root.addJSON(json.nested ?? {});
  }
  cached = protoLoader.fromJSON(parsed.root.toJSON(), PROTO_OPTIONS);
  return cached;
}

/** The `observer.Observer` service definition (client constructor and the definition a server adds). */
export function observerService(): grpc.ServiceClientConstructor {
  const pkg = grpc.loadPackageDefinition(observerPackageDefinition()) as unknown as {
    observer: { Observer: grpc.ServiceClientConstructor };
  };
  return pkg.observer.Observer;
}
