import { describe, expect, it } from 'vitest'
import { useDashboard } from './support/browser.js'

/*
 * What every page shares, on a server with nothing in it: the navigation lists every section,
 * each empty page says what to do, at 768 px nothing overflows, the keyboard reaches every
 * section, and the theme follows the system.
 */

const SECTIONS: [label: string, path: string, empty: string][] = [
  ['Data', '/data', 'No datasets yet'],
  ['Pipelines', '/pipelines', 'No pipeline runs yet'],
  ['Experiments', '/experiments', 'Default'],
  ['Models', '/models', 'No registered models yet'],
  ['Deployments', '/deployments', 'No deployments yet'],
  ['Monitoring', '/monitoring', 'Nothing to monitor yet'],
  ['Lineage', '/lineage', 'Show lineage'],
  ['Audit log', '/audit', 'Verify the chain'],
]

describe('dashboard: layout', () => {
  const d = useDashboard(async () => undefined)

  it('lists every section, each saying what to do while empty, usable at 768 px', async () => {
    const { page } = d
    await page.setViewportSize({ width: 768, height: 900 })
    await page.goto(d.server.url)
    const nav = page.getByRole('navigation', { name: 'Sections' })
    expect(await nav.getByRole('link').allTextContents()).toEqual(SECTIONS.map(([l]) => l))
    for (const [label, path, empty] of SECTIONS) {
      await nav.getByRole('link', { name: label }).click()
      await page.waitForURL(new RegExp(`${path}$`))
      await page.getByRole('main').getByText(empty).first().waitFor()
      expect(await nav.getByRole('link', { name: label }).getAttribute('aria-current')).toBe('page')
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow, label).toBe(0)
    }
    await page.goto(`${d.server.url}/data?tab=contracts`)
    await page.getByText('No contracts yet').waitFor()
    await page.getByRole('tab', { name: 'Validation reports' }).click()
    await page.getByText('No validation reports yet').waitFor()
    await d.watched.screenshot('layout-768')
  })

  it('reaches every section from the keyboard', async () => {
    const { page } = d
    await page.goto(`${d.server.url}/experiments`)
    await page.getByRole('heading', { name: 'Experiments' }).waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content')
    const reached: string[] = []
    for (let i = 0; i < 12 && reached.length < SECTIONS.length; i++) {
      await page.keyboard.press('Tab')
      // A string, not a function: the tests are compiled without the DOM's types.
      const text = await page.evaluate(
        "document.activeElement.closest('nav') ? document.activeElement.textContent : null",
      )
      if (typeof text === 'string') reached.push(text)
    }
    expect(reached).toEqual(SECTIONS.map(([l]) => l))
    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/lineage$/)
  })

  it('follows the system colour scheme', async () => {
    const { page } = d
    const background = () =>
      page.evaluate('getComputedStyle(document.documentElement).backgroundColor')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${d.server.url}/deployments`)
    await page.getByText('No deployments yet').waitFor()
    expect(await background()).toBe('rgb(246, 247, 249)')
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).toBe('rgb(15, 17, 21)')
    await d.watched.screenshot('layout-dark')
  })
})
