"""The official Python Kubernetes client (the one inspect_k8s_sandbox uses) as a peer of kubectl and helm.

Called by test/sim/python.test.ts with an argument array; prints JSON lines on stdout.
  kube_peer.py KUBECONFIG list NAMESPACE SELECTOR
  kube_peer.py KUBECONFIG watch NAMESPACE SELECTOR UNTIL_POD       (until that pod is Running)
  kube_peer.py KUBECONFIG exec NAMESPACE POD [--stdin FILE] -- COMMAND...
  kube_peer.py KUBECONFIG attach NAMESPACE POD                      (until the container stops)
"""
import json
import sys

from kubernetes import client, config, watch
from kubernetes.stream import stream


def emit(obj):
    print(json.dumps(obj), flush=True)


def list_pods(v1, namespace, selector):
    pods = v1.list_namespaced_pod(namespace, label_selector=selector)
    emit({"names": sorted(p.metadata.name for p in pods.items)})


def watch_pods(v1, namespace, selector, until):
    # The client sends watch=True (Python's spelling of a boolean).
    w = watch.Watch()
    for event in w.stream(v1.list_namespaced_pod, namespace, label_selector=selector, timeout_seconds=60):
        pod = event["object"]
        emit({"type": event["type"], "name": pod.metadata.name, "phase": pod.status.phase if pod.status else None})
        if pod.metadata.name == until and pod.status and pod.status.phase == "Running":
            w.stop()
    emit({"done": True})


def drain(resp):
    """stdout and stderr of a stream until the server closes it."""
    out, err = [], []
    while resp.is_open():
        resp.update(timeout=1)
        if resp.peek_stdout():
            out.append(resp.read_stdout())
        if resp.peek_stderr():
            err.append(resp.read_stderr())
    # What arrived with the last frames.
    out.append(resp.read_stdout(timeout=0) if resp.peek_stdout() else "")
    err.append(resp.read_stderr(timeout=0) if resp.peek_stderr() else "")
    return "".join(out), "".join(err)


def exec_pod(v1, namespace, pod, args):
    script = None
    if args[0] == "--stdin":
        with open(args[1], encoding="utf-8") as f:
            script = f.read()
        args = args[2:]
    command = args[1:] if args[0] == "--" else args
    resp = stream(
        v1.connect_get_namespaced_pod_exec,
        pod,
        namespace,
        command=command,
        stdin=script is not None,
        stdout=True,
        stderr=True,
        tty=False,
        _preload_content=False,
    )
    if script is not None:
        resp.write_stdin(script)
    out, err = drain(resp)
    emit({"stdout": out, "stderr": err, "returncode": resp.returncode})
    resp.close()


def attach_pod(v1, namespace, pod):
    # The client sends stdout=True (Python's spelling of a boolean): the server must read it as true.
    resp = stream(
        v1.connect_get_namespaced_pod_attach,
        pod,
        namespace,
        stdout=True,
        stderr=True,
        stdin=False,
        tty=False,
        _preload_content=False,
    )
    emit({"attached": True})
    out, err = drain(resp)
    emit({"stdout": out, "stderr": err, "returncode": resp.returncode})
    resp.close()


def main(argv):
    kubeconfig, verb, namespace = argv[0], argv[1], argv[2]
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    if verb == "list":
        list_pods(v1, namespace, argv[3])
    elif verb == "watch":
        watch_pods(v1, namespace, argv[3], argv[4])
    elif verb == "exec":
        exec_pod(v1, namespace, argv[3], argv[4:])
    elif verb == "attach":
        attach_pod(v1, namespace, argv[3])
    else:
        sys.exit(f"unknown verb {verb}")


if __name__ == "__main__":
    main(sys.argv[1:])
