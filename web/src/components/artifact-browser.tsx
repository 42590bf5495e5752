import { useState } from 'preact/hooks'
import { listArtifacts, type FileInfo, type RunInfo } from '../api'
import { formatBytes } from '../lib/format'
import { useAsync } from '../lib/use-async'
import { setQuery } from '../router'
import { ArtifactPreview } from './artifact-preview'
import { EmptyState, ErrorState, Loading } from './states'

/** A run's artifacts: a folder tree (listed lazily) beside a preview of the chosen file. */
export function ArtifactBrowser({ run, selected }: { run: RunInfo; selected: string | undefined }) {
  const root = useAsync((signal) => listArtifacts(run.run_id, '', signal), [run.run_id])
  if (root.status === 'loading') return <Loading label="Listing artifacts…" />
  if (root.status === 'error') {
    return <ErrorState error={root.error} title="Could not list artifacts" retry={root.reload} />
  }
  if (root.value.length === 0) {
    return (
      <EmptyState title="No artifacts">
        <p>
          Files a run saves (<code>mlflow.log_artifact("plot.png")</code>, models, reports) are
          listed and previewed here.
        </p>
      </EmptyState>
    )
  }
  return (
    <div class="artifact-browser card">
      <nav class="artifact-tree" aria-label="Artifacts">
        <FileList run={run} files={root.value} selected={selected} />
      </nav>
      <div class="artifact-pane">
        {selected ? (
          <ArtifactPreview key={selected} run={run} path={selected} />
        ) : (
          <p class="muted">Choose a file to preview it.</p>
        )}
      </div>
    </div>
  )
}

function FileList({
  run,
  files,
  selected,
}: {
  run: RunInfo
  files: readonly FileInfo[]
  selected: string | undefined
}) {
  const sorted = [...files].sort(
    (a, b) => Number(!!b.is_dir) - Number(!!a.is_dir) || a.path.localeCompare(b.path),
  )
  return (
    <ul class="tree" role="list">
      {sorted.map((f) =>
        f.is_dir ? (
          <Folder key={f.path} run={run} file={f} selected={selected} />
        ) : (
          <li key={f.path}>
            <button
              type="button"
              class="tree-item"
              aria-current={selected === f.path ? 'true' : undefined}
              onClick={() => setQuery({ artifact: f.path }, { replace: false })}
            >
              <span class="tree-icon" aria-hidden="true" />
              <span class="clip">{basename(f.path)}</span>
              <span class="muted size">{formatBytes(f.file_size)}</span>
            </button>
          </li>
        ),
      )}
    </ul>
  )
}

function Folder({
  run,
  file,
  selected,
}: {
  run: RunInfo
  file: FileInfo
  selected: string | undefined
}) {
  // A folder on the way to the selected file starts open, so a shared link shows where it is.
  const [isOpen, setOpen] = useState(selected?.startsWith(`${file.path}/`) ?? false)
  return (
    <li>
      <button
        type="button"
        class="tree-item"
        aria-expanded={isOpen}
        onClick={() => setOpen(!isOpen)}
      >
        <span class="tree-icon" aria-hidden="true">
          {isOpen ? '▾' : '▸'}
        </span>
        <span class="clip">{basename(file.path)}/</span>
      </button>
      {isOpen && <FolderContents run={run} path={file.path} selected={selected} />}
    </li>
  )
}

function FolderContents({
  run,
  path,
  selected,
}: {
  run: RunInfo
  path: string
  selected: string | undefined
}) {
  const files = useAsync((signal) => listArtifacts(run.run_id, path, signal), [run.run_id, path])
  if (files.status === 'loading') return <Loading label="Listing…" />
  if (files.status === 'error') return <ErrorState error={files.error} retry={files.reload} />
  if (files.value.length === 0) return <p class="muted tree-empty">Empty folder</p>
  return <FileList run={run} files={files.value} selected={selected} />
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
