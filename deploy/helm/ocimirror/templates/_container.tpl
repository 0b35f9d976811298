{{/*
What the daemon and its `check` init container share: image, environment, files and confinement. The check reads
the configuration exactly as the daemon will (${VAR} from the same env, *_file paths on the same mounts), so a
configuration the daemon would refuse stops the rollout at Init:Error, its problems in `kubectl logs POD -c check`.
*/}}
{{- define "ocimirror.containerCommon" -}}
image: {{ include "ocimirror.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
{{- if or (include "ocimirror.hasDockerConfig" .) .Values.extraEnv }}
env:
  {{- if include "ocimirror.hasDockerConfig" . }}
  - name: DOCKER_CONFIG
    value: /etc/docker-config
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- with .Values.envFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
volumeMounts:
  - name: config
    mountPath: /etc/ocimirror
    readOnly: true
  {{- if not .Values.adminToken.allowUnauthenticated }}
  - name: admin-token
    mountPath: /etc/ocimirror-token
    readOnly: true
  {{- end }}
  {{- if include "ocimirror.hasDockerConfig" . }}
  - name: docker-config
    mountPath: /etc/docker-config
    readOnly: true
  {{- end }}
  - name: state
    mountPath: /var/lib/ocimirror
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}
