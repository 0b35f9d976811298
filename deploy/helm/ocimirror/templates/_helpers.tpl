{{/* app.kubernetes.io/name: the chart's name, or nameOverride. */}}
{{- define "ocimirror.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The objects' name: fullnameOverride, else RELEASE-NAME (RELEASE alone when it contains NAME), as `helm create`
makes it but cut at 52 characters rather than 63: the StatefulSet controller labels each pod
controller-revision-hash=FULLNAME-HASH (up to 11 more), and a label value over 63 keeps every pod from being
created. FULLNAME-headless fits a Service name too.
*/}}
{{- define "ocimirror.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "ocimirror.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "ocimirror.selector" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Immutable in a StatefulSet: only what never changes between upgrades. */}}
{{- define "ocimirror.selector" -}}
app.kubernetes.io/name: {{ include "ocimirror.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* A digest pins the image whatever the tag says (tags move; digests do not). */}}
{{- define "ocimirror.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{- define "ocimirror.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ocimirror.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ocimirror.hasDockerConfig" -}}
{{- if or .Values.dockerConfig.existingSecret .Values.dockerConfig.json -}}true{{- end -}}
{{- end -}}

{{- define "ocimirror.dockerSecret" -}}
{{- if .Values.dockerConfig.existingSecret -}}
{{- .Values.dockerConfig.existingSecret -}}
{{- else -}}
{{- printf "%s-docker-config" (include "ocimirror.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The Secret and key the admin token is read from: the one named, else the one the chart generates. */}}
{{- define "ocimirror.tokenSecret" -}}
{{- .Values.adminToken.existingSecret | default (printf "%s-admin-token" (include "ocimirror.fullname" .)) -}}
{{- end -}}
{{- define "ocimirror.tokenKey" -}}
{{- ternary .Values.adminToken.key "token" (not (empty .Values.adminToken.existingSecret)) -}}
{{- end -}}

{{/*
What the schema cannot say, refused before anything reaches the cluster, each naming the value to change.
hasKey: the key is gone from values.yaml, only an old values file still sets it.
*/}}
{{- define "ocimirror.validate" -}}
{{- if hasKey .Values "replicas" -}}
{{- fail "replicas was renamed replicaCount (the Helm convention): write replicaCount: N in your values instead" -}}
{{- end -}}
{{- if not .Values.config.policies -}}
{{- fail "config.policies is empty: give at least one policy (name, from, to and usually schedule) under config.policies in your values, as the comment in values.yaml and docs/kubernetes.md show. The chart ships none so that it never mirrors to a host that is not yours" -}}
{{- end -}}
{{- if .Values.adminToken.allowUnauthenticated -}}
{{- if .Values.adminToken.existingSecret -}}
{{- fail "adminToken.allowUnauthenticated and adminToken.existingSecret are both set: a token, or none at all, not both" -}}
{{- end -}}
{{- if not (and .Values.networkPolicy.enabled .Values.networkPolicy.ingressFrom) -}}
{{- fail "adminToken.allowUnauthenticated needs networkPolicy.enabled: true and networkPolicy.ingressFrom naming who may reach the admin port: without a token, anything that reaches it can trigger runs" -}}
{{- end -}}
{{- end -}}
{{- end -}}
