{{- define "ocimirror.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ocimirror.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ocimirror.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
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
