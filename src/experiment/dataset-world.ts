// A user's dataset as the experiment's hard problems (the judge-driven arms need only a question, a
// reference and a final answer): the usable problems of loadDataset, minus those without a final answer
// (the answer checker needs one) and those whose SFT example or self-distillation input would not fit
// the context when those arms run; split into training and held-out problems by a hash of their id.
// Says how many were usable and why the others were not.

import type { DatasetLoad } from '../tasks/dataset-load';
import { hashUnit } from '../tasks/hash';
import { TEACHER_PREFIX } from '../rl/opsd';
import type { TaskProblem } from '../run/scorers';
import type { ArmId } from './arms';

export interface DatasetWorld {
  train: TaskProblem[];
  eval: TaskProblem[];
  report: string[]; // lines for the terminal or the page
}

export function datasetWorld(
  load: DatasetLoad,
  o: { evalFraction: number; contextLength: number; maxNewTokens: number; arms: ArmId[] },
): DatasetWorld {
  const report = [load.summary];
  if (load.imported.fatal) throw new Error(load.summary);
  const noAnswer: string[] = [],
    tooLong: string[] = [];
  const kept: TaskProblem[] = [];
  for (const p of load.usable) {
    if (!p.answer) {
      noAnswer.push(p.id);
      continue;
    }
    const sft = 1 + p.prompt.length + p.reference.length + 1;
    const teacher = 1 + p.prompt.length + TEACHER_PREFIX.length + p.reference.length + 1 + o.maxNewTokens;
    if ((o.arms.includes('sft') && sft > o.contextLength) || (o.arms.includes('opsd') && teacher > o.contextLength)) {
      tooLong.push(p.id);
      continue;
    }
    kept.push({
      id: p.id,
      prompt: p.prompt,
      answer: p.answer,
      reference: p.reference,
      intermediates: [],
      difficulty: 1,
      worked: '',
    });
  }
  if (noAnswer.length)
    report.push(`${noAnswer.length} left out: no final answer, which the answer checker (the sparse reward) needs`);
  if (tooLong.length)
    report.push(
      `${tooLong.length} left out: the SFT example or the self-distillation input (problem, reference, response) does not fit the ${o.contextLength}-token context`,
    );
  const train = kept.filter((p) => hashUnit(`split:${p.id}`) >= o.evalFraction);
  const evalSet = kept.filter((p) => hashUnit(`split:${p.id}`) < o.evalFraction);
  if (train.length === 0 || evalSet.length === 0)
    throw new Error(`${load.source}: ${kept.length} usable problems are too few for a training and a held-out split`);
  report.push(`${kept.length} problems used: ${train.length} for training, ${evalSet.length} held out`);
  return { train, eval: evalSet, report };
}
