# A minimal ExpRL-Outcome Stage I run with TRL's GRPOTrainer, written by `npm run export -- --trl DIR`.
# The GRPO settings come from exprl_settings.json ("trl": the fields of GRPOConfig that carry our
# arm's settings: group size, temperature, asymmetric clip, k3 KL coefficient, loss aggregation, std
# normalisation, max_completion_length, which the reward's length guard also reads); the reward is exprl_reward.exprl_outcome_reward (the playground's LLM judge).
# Needs: pip install trl datasets (and accelerate / deepspeed for several GPUs:
# `accelerate launch train_grpo.py --model Qwen/Qwen3-4B-Instruct-2507`).
# ExpRL-Process is not here: it needs a different advantage on every segment of a response, and
# GRPOTrainer takes one scalar reward per completion; use the verl export for it.

import argparse
import json
import os

from datasets import load_dataset
from trl import GRPOConfig, GRPOTrainer

from exprl_reward import exprl_outcome_reward

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser(description="ExpRL-Outcome Stage I with TRL's GRPOTrainer")
    p.add_argument("--model", required=True, help="a Hugging Face model id or folder (the policy)")
    p.add_argument("--train", default=os.path.join(HERE, "train.trl.jsonl"), help="TRL rows: prompt, reference, answer, id, source")
    p.add_argument("--output", default="exprl-outcome-grpo", help="checkpoint folder")
    p.add_argument("--batch-size", type=int, default=None, help="completions per device and step (a multiple of num_generations)")
    p.add_argument("--max-steps", type=int, default=-1)
    args = p.parse_args()

    with open(os.path.join(HERE, "exprl_settings.json"), encoding="utf-8") as f:
        settings = json.load(f)
    trl = dict(settings["trl"])
    config = GRPOConfig(
        output_dir=args.output,
        per_device_train_batch_size=args.batch_size or trl["num_generations"],
        max_steps=args.max_steps,
        logging_steps=1,
        **trl,
    )
    dataset = load_dataset("json", data_files=args.train)["train"]
    trainer = GRPOTrainer(model=args.model, reward_funcs=[exprl_outcome_reward], args=config, train_dataset=dataset)
    trainer.train()


if __name__ == "__main__":
    main()
