import { artifactText, artifactUrl, type RunInfo } from '../api'
import { parseCsv } from '../lib/csv'
import { parseSignature, type SignatureField } from '../lib/mlmodel-signature'
import { useAsync } from '../lib/use-async'
import { ErrorState, Loading } from './states'

const MAX_TEXT_BYTES = 1_000_000
const MAX_CSV_ROWS = 500
const IMAGE = /\.(png|jpe?g|gif|webp|bmp)$/i

type Kind = 'image' | 'json' | 'csv' | 'mlmodel' | 'text'

function kindOf(path: string): Kind {
  const name = path.slice(path.lastIndexOf('/') + 1)
  if (IMAGE.test(name)) return 'image'
  if (name === 'MLmodel') return 'mlmodel'
  if (/\.json$/i.test(name)) return 'json'
  if (/\.(csv|tsv)$/i.test(name)) return 'csv'
  return 'text'
}

/** A preview of one artifact, chosen by its name: image, JSON, CSV table, model signature, text. */
export function ArtifactPreview({ run, path }: { run: RunInfo; path: string }) {
  const url = artifactUrl(run, path)
  const kind = kindOf(path)
  return (
    <div class="artifact-preview">
      <div class="preview-head">
        <h3 class="mono">{path}</h3>
        <a class="button small" href={url} download={path.slice(path.lastIndexOf('/') + 1)}>
          Download
        </a>
      </div>
      {kind === 'image' ? (
        <img class="preview-image" src={url} alt={`Artifact ${path}`} />
      ) : (
        <TextPreview url={url} kind={kind} />
      )}
    </div>
  )
}

function TextPreview({ url, kind }: { url: string; kind: Exclude<Kind, 'image'> }) {
  const file = useAsync((signal) => artifactText(url, MAX_TEXT_BYTES, signal), [url])
  if (file.status === 'loading') return <Loading label="Loading preview…" />
  if (file.status === 'error') {
    return (
      <ErrorState error={file.error} title="Could not load this artifact" retry={file.reload} />
    )
  }
  const { text, isTruncated, isBinary } = file.value
  if (isBinary) {
    return <p class="muted">This is a binary file; download it to open it.</p>
  }
  const note = isTruncated && (
    <p class="muted">
      Showing the first {MAX_TEXT_BYTES / 1_000_000} MB; download the file for the rest.
    </p>
  )
  return (
    <>
      {note}
      {kind === 'json' && <JsonView text={text} isTruncated={isTruncated} />}
      {kind === 'csv' && <CsvView text={text} />}
      {kind === 'mlmodel' && <ModelView text={text} />}
      {kind === 'text' && <pre class="code-block">{text}</pre>}
    </>
  )
}

function JsonView({ text, isTruncated }: { text: string; isTruncated: boolean }) {
  if (isTruncated) return <pre class="code-block">{text}</pre>
  try {
    return <pre class="code-block">{JSON.stringify(JSON.parse(text), null, 2)}</pre>
  } catch (err) {
    return (
      <>
        <p class="warning">Not valid JSON: {(err as Error).message}</p>
        <pre class="code-block">{text}</pre>
      </>
    )
  }
}

function CsvView({ text }: { text: string }) {
  const { rows, isComplete } = parseCsv(text, MAX_CSV_ROWS + 1)
  const [header = [], ...body] = rows
  return (
    <>
      <p class="muted">
        {isComplete ? `${body.length} rows` : `First ${body.length} rows`} × {header.length} columns
      </p>
      <div class="table-scroll">
        <table class="table compact csv-table">
          <thead>
            <tr>
              {header.map((h, i) => (
                <th key={i} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              <tr key={r}>
                {row.map((cell, c) => (
                  <td key={c}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

function ModelView({ text }: { text: string }) {
  const signature = parseSignature(text)
  return (
    <>
      {signature ? (
        <div class="signature">
          <FieldTable title="Inputs" fields={signature.inputs} />
          <FieldTable title="Outputs" fields={signature.outputs} />
        </div>
      ) : (
        <p class="muted">This model has no signature.</p>
      )}
      <details>
        <summary>MLmodel file</summary>
        <pre class="code-block">{text}</pre>
      </details>
    </>
  )
}

function FieldTable({ title, fields }: { title: string; fields: readonly SignatureField[] }) {
  return (
    <table class="table compact">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={f.name}>
            <td class="mono">{f.name}</td>
            <td class="mono">{f.type}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
