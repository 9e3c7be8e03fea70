{{/* Chart name, or global.nameOverride. */}}
{{- define "sandbox.name" -}}
{{- $g := .Values.global | default dict -}}
{{- default .Chart.Name $g.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Prefix of every object name: global.fullnameOverride, else the release name (with nameOverride in front
     when set). Short on purpose: StatefulSet names must stay within 52 characters. */}}
{{- define "sandbox.fullname" -}}
{{- $g := .Values.global | default dict -}}
{{- if $g.fullnameOverride -}}
{{- $g.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if $g.nameOverride -}}
{{- printf "%s-%s" $g.nameOverride .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Selector labels shared with inspect_k8s_sandbox: both tools find a release's pods by instance. */}}
{{- define "sandbox.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sandbox.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* All labels of the release's objects as YAML: user labels first, so the chart's own win on a clash. */}}
{{- define "sandbox.labels" -}}
{{- $l := dict -}}
{{- range $k, $v := .Values.labels | default dict }}{{ $_ := set $l $k (include "sandbox.str" $v) }}{{ end -}}
{{- $_ := set $l "helm.sh/chart" (printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-") -}}
{{- $_ = set $l "app.kubernetes.io/managed-by" .Release.Service -}}
{{- with .Values.creator }}{{ $_ = set $l "k8s-sandbox.dev/creator" . }}{{ end -}}
{{- $_ = set $l "app.kubernetes.io/version" (toString .Chart.AppVersion) -}}
{{- $_ = mustMergeOverwrite $l (include "sandbox.selectorLabels" . | fromYaml) -}}
{{- toYaml $l -}}
{{- end -}}

{{/* User annotations as a string map (YAML). */}}
{{- define "sandbox.annotations" -}}
{{- $a := dict -}}
{{- range $k, $v := .Values.annotations | default dict }}{{ $_ := set $a $k (include "sandbox.str" $v) }}{{ end -}}
{{- toYaml $a -}}
{{- end -}}

{{/* metadata.annotations block (nothing when empty). Call with the root context. */}}
{{- define "sandbox.metaAnnotations" -}}
{{- if .Values.annotations -}}
annotations:
  {{- include "sandbox.annotations" . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* Whether a service gets a DNS record (and so a headless Service): "true" or "". */}}
{{- define "sandbox.hasDns" -}}
{{- if or .dnsRecord .additionalDnsRecords .ports -}}true{{- end -}}
{{- end -}}

{{/* Name of the DNS record target of a service: its headless Service in the cluster DNS. */}}
{{- define "sandbox.dnsTarget" -}}
{{- printf "%s-%s.%s.svc.cluster.local" (include "sandbox.fullname" .root) .name .root.Release.Namespace -}}
{{- end -}}

{{/* Timeouts as JSON {level, grace, app, deadline}: the risk table (README) with the user's overrides. */}}
{{- define "sandbox.timeouts" -}}
{{- $t := .Values.timeouts | default dict -}}
{{- $level := $t.riskLevel | default "medium" -}}
{{- $table := dict "low" (list 30 300 330) "medium" (list 10 180 200) "high" (list 5 90 120) "critical" (list 2 90 120) -}}
{{- $row := index $table $level -}}
{{- $app := index $row 1 -}}
{{- if $t.appTimeoutSeconds }}{{ $app = int $t.appTimeoutSeconds }}{{ end -}}
{{- $deadline := index $row 2 -}}
{{- if $t.deadlineSeconds }}{{ $deadline = int $t.deadlineSeconds }}{{ end -}}
{{- dict "level" $level "grace" (index $row 0) "app" $app "deadline" $deadline | toJson -}}
{{- end -}}

{{/* Grace period of one service: its own terminationGracePeriodSeconds (0 allowed), else the risk level's.
     Call with (dict "root" $ "svc" $svc). */}}
{{- define "sandbox.grace" -}}
{{- $g := .svc.terminationGracePeriodSeconds -}}
{{- if kindIs "invalid" $g -}}
{{- (include "sandbox.timeouts" .root | fromJson).grace | int -}}
{{- else -}}
{{- $g | int -}}
{{- end -}}
{{- end -}}

{{/* allowDomains lower-cased and de-duplicated, as JSON {"items": [...]}. */}}
{{- define "sandbox.allowDomains" -}}
{{- $out := list -}}
{{- range .Values.allowDomains | default list }}{{ $d := lower . }}{{ if not (has $d $out) }}{{ $out = append $out $d }}{{ end }}{{ end -}}
{{- dict "items" $out | toJson -}}
{{- end -}}

{{/* DNS names served by the sidecar, as JSON {"<name>": {"service": s, "target": fqdn}}: each service with a
     record answers to its name, to <fullname>-<name> (the $AGENT_ENV form of agent-env) and to its
     additionalDnsRecords. A name claimed twice keeps its first service; validate.yaml rejects that. */}}
{{- define "sandbox.dnsRecords" -}}
{{- $root := . -}}
{{- $full := include "sandbox.fullname" . -}}
{{- $out := dict -}}
{{- range $name, $svc := .Values.services -}}
{{- if include "sandbox.hasDns" $svc -}}
{{- $target := include "sandbox.dnsTarget" (dict "root" $root "name" $name) -}}
{{- $names := list $name (printf "%s-%s" $full $name) -}}
{{- range $svc.additionalDnsRecords | default list }}{{ $names = append $names (lower .) }}{{ end -}}
{{- range $n := $names -}}
{{- if not (hasKey $out $n) -}}
{{- $_ := set $out $n (dict "service" $name "target" $target) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/* Volume name and mount of a "name:/path[:ro]" string, as JSON {name, mountPath, readOnly}. */}}
{{- define "sandbox.parseVolumeString" -}}
{{- $parts := splitList ":" . -}}
{{- $ro := false -}}
{{- if eq (len $parts) 3 }}{{ $ro = eq (index $parts 2) "ro" }}{{ end -}}
{{- dict "name" (index $parts 0) "mountPath" (index $parts 1) "readOnly" $ro | toJson -}}
{{- end -}}

{{/* A value as Kubernetes wants it in a string field. Helm reads YAML numbers as floats, which print as
     1e+06: whole numbers are printed as integers instead. */}}
{{- define "sandbox.str" -}}
{{- if and (kindIs "float64" .) (eq . (floor .)) -}}
{{- int64 . -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* A list rendered as YAML strings (numbers and booleans quoted: Kubernetes wants strings). */}}
{{- define "sandbox.stringList" -}}
{{- range $i, $v := . }}{{ if $i }}{{ "\n" }}{{ end }}- {{ include "sandbox.str" $v | toJson }}{{ end -}}
{{- end -}}

{{/* env entries as YAML list items (values quoted). */}}
{{- define "sandbox.env" -}}
{{- range . }}
- name: {{ .name | toJson }}
  {{- if .valueFrom }}
  valueFrom:
    {{- toYaml .valueFrom | nindent 4 }}
  {{- else if kindIs "invalid" .value }}
  value: ""
  {{- else }}
  value: {{ include "sandbox.str" .value | toJson }}
  {{- end }}
{{- end }}
{{- end -}}

{{- /* agent-env's named templates, under agent-env's names, for templated additionalResources written for
     agent-env (its docs tell users to call them). They render this chart's names and labels, so what they
     select is this release's objects. */ -}}
{{- define "agentEnv.name" -}}{{ include "sandbox.name" . }}{{- end -}}
{{- define "agentEnv.fullname" -}}{{ include "sandbox.fullname" . }}{{- end -}}
{{- define "agentEnv.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "agentEnv.labels" -}}{{ include "sandbox.labels" . }}{{- end -}}
{{- define "agentEnv.selectorLabels" -}}{{ include "sandbox.selectorLabels" . }}{{- end -}}
{{- /* The user's labels, one "key: value" line each (values quoted), as agent-env renders them. */ -}}
{{- define "agentEnv.labelsFromValues" -}}
{{- range $k, $v := .Values.labels | default dict }}
{{ $k | toJson }}: {{ include "sandbox.str" $v | toJson }}
{{- end -}}
{{- end -}}
{{- define "shouldCreateDnsRecord" -}}{{ include "sandbox.hasDns" . }}{{- end -}}
{{- /* A service's ports, de-duplicated by protocol/port, as a YAML list of {port, protocol}. Call with
     (dict "svc" $svc). */ -}}
{{- define "agentEnv.servicePortsListFor" -}}
{{- toYaml (include "sandbox.ports" .svc | fromJson).items -}}
{{- end -}}
{{- define "agentEnv.networkPolicyHookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-5"
helm.sh/hook-delete-policy: before-hook-creation
{{- end -}}

{{- /* A service's ports as JSON {"items": [{port: "<n>", protocol: "TCP"}]}: protocol upper-cased (default TCP),
     de-duplicated by protocol/port, as agent-env does. */ -}}
{{- define "sandbox.ports" -}}
{{- $seen := dict -}}
{{- $out := list -}}
{{- range .ports | default list -}}
{{- $p := dict "port" (toString (int .port)) "protocol" (upper (.protocol | default "TCP")) -}}
{{- $key := printf "%s/%s" $p.protocol $p.port -}}
{{- if not (hasKey $seen $key) -}}
{{- $_ := set $seen $key true -}}
{{- $out = append $out $p -}}
{{- end -}}
{{- end -}}
{{- dict "items" $out | toJson -}}
{{- end -}}

{{- /* Whether the release may reach the whole internet by name: allowEntities world or all, or allowDomains
     "*". Then every name resolves. "true" or "". */ -}}
{{- define "sandbox.resolvesAll" -}}
{{- $e := list -}}
{{- range .Values.allowEntities | default list }}{{ $e = append $e (lower .) }}{{ end -}}
{{- if or (has "world" $e) (has "all" $e) (has "*" (include "sandbox.allowDomains" . | fromJson).items) -}}true{{- end -}}
{{- end -}}
