// The image history of CycleGAN's discriminators (Shrivastava et al., 2017): each discriminator sees, in
// place of about half of the new fakes, fakes the generators made in earlier steps, so it does not chase
// only the generators' latest output. The choices are planned on the host from a seeded stream
// (historyRandom) and carried out on the device by two gathers.
import * as E from '../../engine/index.js';
import { HostRandom } from '../../engine/random/philox.js';
import { epochSeed } from '../data/coloured-mnist.js';
import { IMAGE_SHAPE, checkImages } from './networks.js';

const { nn } = E;

/** The source of a row: index < capacity is a stored image, capacity + i is image i of the new batch. */
export interface HistoryPlan {
  /** for each new image, the row the discriminator sees instead */
  returned: number[];
  /** for each slot, the row it holds afterwards */
  stored: number[];
  filled: number;
}

/** What HistoryBuffer draws its choices from (a HostRandom, or a scripted stand-in in tests). */
export interface ChoiceSource {
  uniform(): number;
  int(n: number): number;
}

/**
 * The choices of CycleGAN's image pool (Shrivastava et al., 2017), image by image in batch order:
 *   - while the buffer is not full, the new image is stored and shown as it is;
 *   - once full, with probability 1/2 a stored image chosen uniformly is shown instead and the new one
 *     takes its slot; otherwise the new image is shown and the buffer stays as it is.
 * Choices within a batch see earlier ones (a slot refilled by image i may be shown for image j > i).
 */
export function planHistoryQuery(capacity: number, filled: number, batch: number, random: ChoiceSource): HistoryPlan {
  const stored = Array.from({ length: capacity }, (_, slot) => slot);
  const returned: number[] = [];
  for (let i = 0; i < batch; i++) {
    const newRow = capacity + i;
    if (filled < capacity) {
      stored[filled++] = newRow;
      returned.push(newRow);
    } else if (random.uniform() > 0.5) {
      const slot = random.int(capacity);
      returned.push(stored[slot]);
      stored[slot] = newRow;
    } else {
      returned.push(newRow);
    }
  }
  return { returned, stored, filled };
}

/**
 * Keeps up to `capacity` generated images per discriminator (the images are a buffer of the module, so a
 * checkpoint holds them). query() runs on the device: the pool [stored; new] (capacity + B rows) is
 * gathered twice, once for the rows shown and once for the slots kept. capacity 0 shows every batch as is.
 */
export class HistoryBuffer extends nn.Module {
  readonly images: E.Tensor | null;
  /** how many slots hold an image, as a (1,) buffer so checkpoints keep it */
  private readonly filledState: E.Tensor | null;
  private filledOnHost = 0;

  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 0) throw new Error(`HistoryBuffer: capacity must be an integer >= 0, got ${capacity}`);
    this.images = capacity > 0 ? this.buffer('images', E.zeros([capacity, ...IMAGE_SHAPE])) : null;
    this.filledState = capacity > 0 ? this.buffer('filled', E.zeros([1])) : null;
  }

  get filled(): number {
    return this.filledOnHost;
  }

  /** Reads the filled count back from the state tensor (after a checkpoint was loaded into it). */
  async syncFromState(): Promise<void> {
    if (this.filledState) this.filledOnHost = await this.filledState.item();
  }

  forward(fakes: E.Tensor, random: ChoiceSource): E.Tensor {
    return this.query(fakes, random);
  }

  /** fakes (B, 3, 28, 28), no gradient -> the (B, 3, 28, 28) images the discriminator should see. */
  query(fakes: E.Tensor, random: ChoiceSource): E.Tensor {
    checkImages('HistoryBuffer.query', fakes);
    if (!this.images || !this.filledState) return fakes;
    const plan = planHistoryQuery(this.capacity, this.filledOnHost, fakes.shape[0], random);
    const images = this.images;
    const shown = E.noGrad(() => {
      const pool = E.concat([images, E.detach(fakes)], 0);
      const kept = E.gather(pool, plan.stored);
      nn.assign(images, kept);
      return E.gather(pool, plan.returned);
    });
    this.filledOnHost = plan.filled;
    this.filledState.backend.write(this.filledState.storage, [plan.filled]);
    return shown;
  }

  describe(): string {
    return `HistoryBuffer(${this.capacity})`;
  }
}

/** The history buffers' choices for one epoch, from (seed, epoch) alone, so a resumed run repeats them. */
export function historyRandom(seed: number, epoch: number): HostRandom {
  return new HostRandom(epochSeed((seed ^ HISTORY_SEED_SALT) >>> 0, epoch));
}

const HISTORY_SEED_SALT = 0x48495354; // 'HIST': keeps these choices apart from the data order of the same seed
