// Port-forward over client-node's WebSocket PortForward (no kubectl on the user's machine).
import type * as net from 'node:net';
import { Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { validateNamespace, validatePodName } from '../../names/validate';
import type { ForwardFn } from './forward';

const ERR_KEEP = 2048;

/** A ForwardFn to `port` of the pod: one WebSocket per local connection; either side closing ends both. */
export function kubeForward(kc: KubeConfig, namespace: string, pod: string, port: number): ForwardFn {
  const ns = validateNamespace(namespace);
  const name = validatePodName(pod);
  return async (socket: net.Socket) => {
    let errText = '';
    // The error channel's first frame is only the port number (client-node strips it and writes an empty
    // chunk); any text after it ("connection refused") ends the connection.
    const err = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.length > 0) {
          if (errText.length < ERR_KEEP) errText += chunk.toString();
          socket.destroy(new Error(errText.trim() || `port-forward to ${ns}/${name}:${port} failed`));
        }
        cb();
      },
    });
    const ws = (await new PortForward(kc, true).portForward(ns, name, [port], socket, err, socket)) as {
      on(ev: 'close' | 'error', f: () => void): void;
      close(): void;
    };
    ws.on('close', () => socket.destroy());
    ws.on('error', () => socket.destroy());
    socket.on('close', () => ws.close());
  };
}
