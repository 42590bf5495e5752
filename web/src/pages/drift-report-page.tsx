import { useEffect } from 'preact/hooks'
import { PageHeader } from '../components/page-header'
import { DriftPanel } from './drift-panel'

/** One stored drift report on a page of its own (`/data/drift/ID`). */
export function DriftReportPage({ id }: { id: string }) {
  useEffect(() => {
    document.title = `Drift report ${id.slice(0, 12)} · Lathe`
  }, [id])
  return (
    <>
      <PageHeader crumbs={[{ label: 'Data', href: '/data?tab=drift' }]} title="Drift report" />
      <DriftPanel id={id} />
    </>
  )
}
