import { randomInt } from 'node:crypto'

// Our own word lists, in the spirit of MLflow's adjective-noun-number run names.
const ADJECTIVES = [
  'amber',
  'brave',
  'calm',
  'clever',
  'crisp',
  'daring',
  'eager',
  'fleet',
  'gentle',
  'golden',
  'honest',
  'jolly',
  'keen',
  'lively',
  'lucid',
  'mellow',
  'nimble',
  'patient',
  'quiet',
  'rapid',
  'rustic',
  'serene',
  'silver',
  'steady',
  'sunny',
  'swift',
  'tidy',
  'vivid',
  'witty',
  'zesty',
]
const NOUNS = [
  'badger',
  'beacon',
  'cedar',
  'comet',
  'crane',
  'delta',
  'falcon',
  'fern',
  'harbor',
  'heron',
  'lathe',
  'maple',
  'meadow',
  'otter',
  'pebble',
  'quartz',
  'raven',
  'river',
  'robin',
  'sparrow',
  'spruce',
  'summit',
  'thistle',
  'tiger',
  'tundra',
  'walnut',
  'willow',
  'wren',
  'yak',
  'zephyr',
]

/** A readable random run name such as `swift-heron-417`. */
export function generateRunName(): string {
  const adjective = ADJECTIVES[randomInt(ADJECTIVES.length)]!
  const noun = NOUNS[randomInt(NOUNS.length)]!
  return `${adjective}-${noun}-${randomInt(1000)}`
}
