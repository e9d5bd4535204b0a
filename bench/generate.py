"""Writes a synthetic corpus of study notes for benchmarks: every dialect, many topics.

The corpus is a folder with `notes/` (Markdown in four dialects plus notes.yaml-shaped files,
and the images they show) and a `config.yaml` whose taxonomy matches the notes. The same
(N, seed) always gives the same bytes, so timings of different code can be compared.

N is the number of answered, distinct questions; about 5% more are left unanswered and about
2% more repeat an earlier question, as real notes do.

    python bench/generate.py 1000 /tmp/corpus --seed 1
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import struct
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import yaml

MARKER = ".bench-corpus"  # marks a folder this script may overwrite

# Proportions of cards, as seen in real notes.
INLINE_FORMULA = 0.25
DISPLAY_FORMULA = 0.08
CODE = 0.10
IMAGE = 0.03
LIST = 0.20
UNANSWERED = 0.05
DUPLICATE = 0.02
FORMULA_POOL = 320  # distinct formulas a corpus draws from, most often the popular ones
IMAGE_POOL = 24

DIALECTS = {"headings": 0.30, "bullets": 0.25, "outline": 0.20, "admonition": 0.15,
            "yaml": 0.10}


@dataclass(frozen=True)
class TopicSpec:
    """A topic of the benchmark taxonomy: section titles that map to it, and its terms."""

    slug: str
    title: str
    headings: tuple[str, ...]  # section titles notes use; each contains a section stem
    stems: tuple[str, ...]  # the config's `sections` stems
    terms: tuple[str, ...]  # what questions ask about; also the config's `words`


def _topic(slug: str, title: str, headings: str, stems: str, terms: str) -> TopicSpec:
    return TopicSpec(slug, title, tuple(headings.split("|")), tuple(stems.split("|")),
                     tuple(terms.split("|")))


TOPICS = (
    _topic("fundamentals", "Fundamentals", "Neural network fundamentals|Basic building blocks",
           "fundamental|basic",
           "perceptron|activation function|sigmoid|softmax|hidden layer|backpropagation|"
           "weight initialization|universal approximation|logit|feedforward network|bias unit|"
           "neuron"),
    _topic("optimization", "Optimization", "Optimizers|Optimization methods", "optimi",
           "gradient descent|momentum|Adam|RMSProp|learning rate|Nesterov acceleration|"
           "saddle point|line search|Adagrad|second-order method|loss landscape|convergence"),
    _topic("training", "Training practice", "Training practice|Training loops", "training",
           "batch size|warmup|gradient clipping|mixed precision|checkpointing|early stopping|"
           "learning-rate schedule|epoch|data loader|curriculum learning|"
           "gradient accumulation|label smoothing"),
    _topic("regularization", "Regularization", "Regularization|Generalization",
           "regulari|generali",
           "dropout|weight decay|L2 penalty|data augmentation|overfitting|ensembling|mixup|"
           "stochastic depth|noise injection|cutout|sparsity penalty|double descent"),
    _topic("cnn", "Convolutional networks", "Convolutional networks|Convolution arithmetic",
           "convolution",
           "convolutional layer|max pooling|stride|padding|receptive field|dilated convolution|"
           "depthwise separable convolution|1x1 convolution|feature map|kernel size|"
           "transposed convolution|im2col"),
    _topic("vision", "Computer vision", "Computer vision|Vision architectures", "vision",
           "ResNet|object detection|semantic segmentation|anchor box|non-maximum suppression|"
           "U-Net|image classification|ViT patching|feature pyramid|instance segmentation|"
           "intersection over union|MobileNet"),
    _topic("rnn", "Recurrent networks", "Recurrent networks|Sequence modelling",
           "recurrent|sequence",
           "LSTM|GRU|BPTT|teacher forcing|beam search|bidirectional RNN|"
           "sequence-to-sequence model|exposure bias|gated unit|hidden state|echo state network|"
           "vanishing gradient"),
    _topic("nlp", "Natural language processing", "Language processing|Text pipelines",
           "language|text",
           "tokenization|word embedding|byte-pair encoding|TF-IDF|n-gram|"
           "named entity recognition|stop word|BLEU score|perplexity|stemming|"
           "part-of-speech tagging|subword vocabulary"),
    _topic("transformers", "Attention & transformers",
           "Attention mechanisms|Transformer architecture", "attention|transformer",
           "self-attention|multi-head attention|positional encoding|layer normalization|"
           "key-value cache|causal mask|cross-attention|rotary embedding|feed-forward block|"
           "attention head|flash attention|sparse attention"),
    _topic("pretraining", "Pretraining & transfer", "Pretraining|Transfer learning",
           "pretrain|transfer",
           "fine-tuning|masked language modelling|contrastive pretraining|adapter layer|LoRA|"
           "domain adaptation|frozen backbone|prompt tuning|instruction tuning|"
           "knowledge distillation|linear probe|catastrophic forgetting"),
    _topic("generative", "Generative models",
           "Generative models|Generative adversarial networks", "generative",
           "variational autoencoder|GAN|mode collapse|diffusion model|normalizing flow|"
           "reparameterization trick|evidence lower bound|Wasserstein distance|latent space|"
           "discriminator|score matching|autoregressive model"),
    _topic("rl", "Reinforcement learning", "Reinforcement learning|Reinforcement methods",
           "reinforcement",
           "Q-learning|policy gradient|reward shaping|discount factor|exploration|actor-critic|"
           "value function|Bellman equation|experience replay|Markov decision process|PPO|"
           "Monte Carlo tree search"),
    _topic("probability", "Probability", "Probability|Probabilistic reasoning", "probabili",
           "Bayes rule|conditional independence|maximum likelihood|prior distribution|"
           "posterior|expectation|variance|central limit theorem|KL divergence|entropy|"
           "Bernoulli trial|Gaussian"),
    _topic("statistics", "Statistics", "Statistics|Statistical testing", "statisti",
           "hypothesis test|p-value|confidence interval|bootstrap|t-test|statistical power|"
           "effect size|multiple comparisons|chi-squared test|standard error|A/B test|"
           "sample size"),
    _topic("linalg", "Linear algebra", "Linear algebra|Matrix methods", "linear algebra|matri",
           "eigenvalue|singular value decomposition|matrix rank|orthogonal matrix|"
           "positive definite|determinant|matrix inverse|dot product|projection|vector norm|"
           "trace|low-rank approximation"),
    _topic("calculus", "Calculus", "Calculus|Derivatives", "calculus|derivative",
           "chain rule|Jacobian|Hessian|Taylor expansion|partial derivative|"
           "automatic differentiation|Lagrange multiplier|directional derivative|"
           "convex function|gradient vector|integral|finite difference"),
    _topic("classical", "Classical machine learning",
           "Classical machine learning|Classic models", "classic",
           "linear regression|logistic regression|decision tree|random forest|"
           "gradient boosting|support vector machine|k-nearest neighbours|naive Bayes|"
           "kernel trick|bagging|feature scaling|one-hot encoding"),
    _topic("unsupervised", "Unsupervised learning", "Unsupervised learning|Clustering",
           "unsupervised|cluster",
           "k-means|principal component analysis|t-SNE|hierarchical clustering|mixture model|"
           "DBSCAN|silhouette score|anomaly detection|UMAP|spectral clustering|"
           "dimensionality reduction|elbow method"),
    _topic("evaluation", "Evaluation & metrics", "Model evaluation|Metrics", "evaluat|metric",
           "recall|F1 score|ROC curve|AUC|confusion matrix|cross-validation|calibration|"
           "mean average precision|log loss|top-k accuracy|holdout set|baseline model"),
    _topic("data", "Data engineering", "Data pipelines|Data preparation", "data",
           "feature store|data leakage|class imbalance|missing values|outlier|"
           "train-test split|data versioning|schema validation|deduplication|sharding|"
           "stratified sampling|labeling"),
    _topic("systems", "ML systems", "ML systems|Model serving", "system|serving",
           "online serving|batch inference|quantization|pruning|model compression|"
           "latency budget|throughput|GPU memory|distributed training|data parallelism|"
           "model parallelism|ONNX export"),
    _topic("mlops", "MLOps", "MLOps|Production monitoring", "mlops|monitor",
           "experiment tracking|model registry|concept drift|canary release|feature drift|"
           "shadow deployment|reproducibility|continuous training|model card|rollback|"
           "alerting|retraining trigger"),
    _topic("graphs", "Graph learning", "Graph neural networks|Graph learning", "graph",
           "message passing|graph convolution|node embedding|over-smoothing|graph attention|"
           "adjacency matrix|random walk|link prediction|graph pooling|knowledge graph|"
           "readout function|spectral filter"),
    _topic("recsys", "Recommender systems", "Recommender systems|Recommendation", "recommend",
           "collaborative filtering|matrix factorization|cold start|implicit feedback|"
           "two-tower model|ranking loss|candidate generation|popularity bias|"
           "session-based model|negative sampling|click-through rate|embedding table"),
    _topic("speech", "Speech & audio", "Speech processing|Audio models", "speech|audio",
           "spectrogram|mel filterbank|CTC loss|wav2vec|voice activity detection|"
           "speaker diarization|text-to-speech|vocoder|MFCC|sampling rate|beamforming|"
           "phoneme"),
    _topic("timeseries", "Time series", "Time series|Forecasting", "time series|forecast",
           "autocorrelation|stationarity|ARIMA|seasonality|exponential smoothing|lag feature|"
           "backtesting|sliding window|trend decomposition|Prophet|horizon|"
           "temporal convolution"),
    _topic("interpretability", "Interpretability", "Interpretability|Explainability",
           "interpretab|explainab",
           "saliency map|SHAP value|integrated gradients|LIME|feature importance|"
           "attention rollout|counterfactual explanation|probing classifier|Grad-CAM|"
           "partial dependence plot|concept activation vector|mechanistic circuit"),
    _topic("fairness", "Fairness & safety", "Fairness|Responsible AI", "fair|responsib",
           "demographic parity|equalized odds|disparate impact|adversarial example|"
           "robustness|differential privacy|membership inference|red teaming|bias audit|"
           "harm taxonomy|jailbreak|model watermarking"),
    _topic("hardware", "Hardware & performance", "Hardware|Kernels and accelerators",
           "hardware|accelerat",
           "tensor core|memory bandwidth|kernel fusion|roofline model|CUDA stream|TPU|"
           "cache locality|arithmetic intensity|FP16|bfloat16|interconnect|vectorization"),
    _topic("retrieval", "Information retrieval", "Information retrieval|Search engines",
           "retriev|search",
           "inverted index|BM25|dense retrieval|vector database|"
           "approximate nearest neighbour|reranking|query expansion|hit rate|hybrid search|"
           "IVF index|HNSW graph|retrieval-augmented generation"),
)

CONTEXTS = (
    "", "in practice", "on small datasets", "at inference time", "for a production model",
    "with limited memory", "in a research prototype", "on a single GPU",
    "when the labels are noisy", "for a complete beginner", "in an interview answer",
    "with very large inputs", "compared with the textbook version", "when labels are scarce",
    "on tabular records", "for long documents", "for streaming inputs", "in a mobile app",
    "with a tiny compute allowance", "at web scale", "in a regulated industry",
    "for a medical use case", "in a Kaggle competition", "across many languages",
    "for real-time applications", "for scientific computing", "in legacy code",
    "on edge devices", "in a Jupyter notebook", "with many distributed workers",
    "for a small team", "on a laptop", "with a strict deadline", "for high-resolution inputs",
    "on sparse inputs", "with heavy-tailed noise", "in the worst case", "on average",
    "from first principles", "with a concrete example", "step by step", "in one sentence",
    "without any libraries", "in PyTorch", "in JAX", "in NumPy", "as a sanity check",
    "for an exam", "when reviewing a paper", "in a code review", "for a startup",
    "for a hospital", "on a slow network", "for a chatbot", "for a search engine",
    "with a fixed random seed", "when debugging", "under adversarial conditions",
    "for a physics simulation", "for a self-driving car", "for an online shop",
)
SINGLE = (
    "What is {t}{c}?", "How does {t} work{c}?", "Why does {t} matter{c}?",
    "When should you use {t}{c}?", "What are the trade-offs of {t}{c}?",
    "How is {t} implemented{c}?", "What can go wrong with {t}{c}?", "How do you tune {t}{c}?",
    "Explain {t}{c}.", "Describe a failure case of {t}{c}.",
)
PAIR = (
    "How does {t} compare with {u}?", "What is the difference between {t} and {u}?",
    "When would you prefer {t} over {u}?", "How do {t} and {u} interact?",
)

VERBS = ("reduces", "controls", "stabilises", "approximates", "trades off", "depends on",
         "is sensitive to", "scales with", "hides", "exposes", "changes", "bounds",
         "dominates", "amortises", "regularises")
OBJECTS = ("the variance of the estimate", "the number of parameters", "memory use",
           "the effective step size", "the size of each batch", "wall-clock time",
           "the generalisation gap", "numerical stability", "the bias of the estimator",
           "the shape of the loss surface", "how fast errors compound",
           "the cost of every update", "the amount of labelled data needed",
           "the quality of the representation", "how much the model can memorise",
           "the conditioning of the problem", "the signal-to-noise ratio",
           "the tail of the distribution", "the latency of a single request",
           "the final accuracy", "the correlation between features", "the depth of the model",
           "the spread of the activations", "the rank of the weight matrices",
           "the stability of the ranking")
QUALIFIERS = ("", "", "", " in practice", " for most workloads", " when the data is noisy",
              " unless it is tuned carefully", " at larger scales", " on realistic inputs",
              " for deep models", " early in a run", " once the model is large",
              " in the usual setting", " by a constant factor", " almost for free")
EFFECTS = ("keeps optimisation well behaved", "makes results easier to reproduce",
           "costs extra memory", "usually pays for itself", "hurts when the data shifts",
           "matters most for small models", "is easy to get wrong", "speeds up convergence",
           "makes the method robust to outliers", "hides problems in the data",
           "is often overlooked", "trades speed for accuracy", "simplifies deployment",
           "is the reason it became popular", "needs a careful baseline")
ADJECTIVES = ("the default choice", "a safe start", "rarely worth it", "hard to beat",
              "surprisingly fragile", "cheap to try", "essential", "often unnecessary",
              "a good baseline", "overkill")
CONDITIONS = ("the dataset is small", "labels are noisy", "latency matters",
              "inputs are very long", "the model is deep", "memory is tight",
              "classes are imbalanced", "the features are correlated", "data arrives in a stream",
              "the budget is fixed", "training is unstable", "results must be explained",
              "the batch is tiny", "the signal is sparse", "many runs must be compared")
MISTAKES = ("apply it before splitting the data", "forget to rescale at test time",
            "tune it on the test set", "copy the defaults from another domain",
            "ignore the random seed", "compare runs with different budgets",
            "leave it on during evaluation", "measure only the average case",
            "trust a single run", "mix up the two conventions", "skip the warm-up phase",
            "report the best of many seeds")
FIXES = ("keep a held-out set for that", "write a test that catches it",
         "log it next to the metrics", "check it on a toy problem first",
         "plot it over a whole run", "compare against a trivial baseline",
         "read the reference implementation", "fix the seed and repeat the run",
         "automate the check in CI", "ask a colleague to review the setup")
GROWTHS = ("linearly", "quadratically", "logarithmically", "with the square of the width",
           "with the batch size", "with the sequence length")
EXAMPLES = ("a 3-layer network on MNIST", "a ResNet-50 on ImageNet", "a small BERT on reviews",
            "a gradient-boosted model on sales data", "a 7B language model",
            "a speech model on phone calls", "a recommender with 10 million items",
            "a forecasting model for energy demand", "a U-Net on medical scans",
            "a policy trained in a simulator", "a retrieval model over 1 million documents",
            "a tabular model with 200 features", "a toy 2-D dataset",
            "a model distilled for a phone", "an ensemble of five models")
CODE_LANGUAGES = (("python", 0.6), ("bash", 0.1), ("sql", 0.1), ("cpp", 0.1),
                  ("javascript", 0.05), ("yaml", 0.05))

# TeX with placeholders: @a/@b letters, @N sizes, @i indices, @k digits.
FORMULA_TEMPLATES = (
    r"@a_{t+1} = @a_t - \eta \nabla_{@a} \mathcal{L}(@a_t)",
    r"\frac{1}{@N} \sum_{@i=1}^{@N} (y_@i - \hat{y}_@i)^2",
    r"\sigma(@b) = \frac{1}{1 + e^{-@b}}",
    r"\operatorname{softmax}(@b)_@i = \frac{e^{@b_@i}}{\sum_j e^{@b_j}}",
    r"\mathcal{L} = -\sum_{@i=1}^{@N} y_@i \log \hat{y}_@i",
    r"m_t = \beta_@k m_{t-1} + (1 - \beta_@k) g_t",
    r"@a \sim \mathcal{N}(\mu, \sigma^2)",
    r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}"
    r"{\sqrt{d_@i}}\right) V",
    r"@N_\text{out} = \left\lfloor \frac{@N - K + 2P}{S} \right\rfloor + 1",
    r"\|@a\|_2^2 = \sum_@i @a_@i^2",
    r"p(@a \mid @b) = \frac{p(@b \mid @a)\, p(@a)}{p(@b)}",
    r"\mathbb{E}[@a] = \sum_{@b} @b \, p(@b)",
    r"O(@N^2 d)",
    r"@a^\top @b",
    r"\gamma^{@k}",
    r"\frac{\partial \mathcal{L}}{\partial @a}",
    r"h_t = \tanh(W_h h_{t-1} + W_x @a_t + b)",
    r"Q(s, a) \leftarrow Q(s, a) + \alpha \left[r + \gamma \max_{a'} Q(s', a') - Q(s, a)\right]",
    r"\operatorname{KL}(p \,\|\, q) = \sum_@b p(@b) \log \frac{p(@b)}{q(@b)}",
    r"\hat{@a} = \frac{@a - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}",
    r"@k \times @k",
    r"10^{-@k}",
    r"\lambda \|@a\|_1",
    r"f(@a) = \max(0, @a)",
    r"\operatorname{Var}[@a] = \mathbb{E}[@a^2] - \mathbb{E}[@a]^2",
    r"\prod_{@i=1}^{@N} p(x_@i \mid \theta)",
    r"@a \odot @b",
    r"F_@k = \frac{(1 + @k^2) P R}{@k^2 P + R}",
    r"\theta^* = \arg\min_\theta \sum_{@i=1}^{@N} \ell(f(x_@i), y_@i)",
    r"\nabla_@a f(@a)",
    r"\eta_t = \eta_0 / \sqrt{t + @k}",
    r"@a",
    r"@a_@i",
    r"\hat{@a}",
    r"\tilde{@a}_@i",
    r"@a^{(@k)}",
    r"\mathbf{@a}",
    r"\log @N",
    r"e^{@a}",
    r"\sqrt{@N}",
    r"@N \log @N",
    r"@a \in \mathbb{R}^{@N \times d}",
)
LETTERS = ("x", "z", "w", "h", "u", "v", r"\theta", r"\phi", r"\mu", "y")
SIZES = ("N", "n", "m", "B", "T", "D")
INDICES = ("i", "j", "k", "t")


@dataclass
class Stats:
    """What a generated corpus contains, for the benchmark report."""

    files: Counter = field(default_factory=Counter)  # dialect -> files
    questions: Counter = field(default_factory=Counter)  # dialect -> questions written
    answered: int = 0
    unanswered: int = 0
    duplicates: int = 0
    inline_formulas: int = 0
    display_formulas: int = 0
    distinct_formulas: int = 0
    code_blocks: int = 0
    images: int = 0
    lists: int = 0
    bytes: int = 0

    def as_dict(self) -> dict:
        """Plain types for JSON."""
        return {"files": dict(sorted(self.files.items())),
                "questions": dict(sorted(self.questions.items())),
                "answered": self.answered, "unanswered": self.unanswered,
                "duplicates": self.duplicates, "inline_formulas": self.inline_formulas,
                "display_formulas": self.display_formulas,
                "distinct_formulas": self.distinct_formulas, "code_blocks": self.code_blocks,
                "images": self.images, "lists": self.lists, "bytes": self.bytes}


@dataclass
class Block:
    """One block of an answer: a paragraph, a list, code, a display formula or an image."""

    kind: str  # p | list | code | math | img
    text: str = ""
    items: tuple[str, ...] = ()
    language: str = ""


@dataclass
class Question:
    """A question as a dialect will write it."""

    text: str
    topic: str
    blocks: list[Block]  # empty: unanswered
    difficulty: str


class _Corpus:
    """The random choices of one corpus, drawn in a fixed order from one seeded generator."""

    def __init__(self, seed: int) -> None:
        self.rng = Random(seed)
        self.formulas = _formula_pool(Random(seed * 7919 + 1))
        self.formula_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.formulas))]
        self.used_formulas: set[str] = set()
        self.stats = Stats()
        self.keys: dict[str, list[tuple[str, ...]]] = {}
        for spec in TOPICS:
            keys: list[tuple[str, ...]] = [(t, c) for t in spec.terms for c in CONTEXTS]
            keys += [(t, u, "") for i, t in enumerate(spec.terms) for u in spec.terms[i + 1:]]
            self.rng.shuffle(keys)
            self.keys[spec.slug] = keys
        self.topic_weights = [0.5 + self.rng.random() for _ in TOPICS]
        self.asked: list[str] = []

    # -- questions ------------------------------------------------------------------------

    def topic(self) -> TopicSpec:
        """A topic with questions left, popular ones more often."""
        while True:
            spec = self.rng.choices(TOPICS, self.topic_weights)[0]
            if self.keys[spec.slug]:
                return spec
            self.topic_weights[TOPICS.index(spec)] = 0.0
            if not any(self.topic_weights):
                raise ValueError("the vocabulary has run out of distinct questions")

    def question(self, spec: TopicSpec) -> Question:
        """A new question on spec, answered or not; sometimes one asked before."""
        rng = self.rng
        if self.asked and rng.random() < DUPLICATE / (1 + DUPLICATE):
            self.stats.duplicates += 1
            return Question(rng.choice(self.asked), spec.slug, self.answer(spec),
                            self.difficulty())
        key = self.keys[spec.slug].pop()
        if len(key) == 2:
            term, context = key
            text = rng.choice(SINGLE).format(t=term, c=f" {context}" if context else "")
        else:
            text = rng.choice(PAIR).format(t=key[0], u=key[1])
        text = text[0].upper() + text[1:]
        if rng.random() < UNANSWERED / (1 + UNANSWERED):
            self.stats.unanswered += 1
            return Question(text, spec.slug, [], self.difficulty())
        self.asked.append(text)
        self.stats.answered += 1
        return Question(text, spec.slug, self.answer(spec), self.difficulty())

    def difficulty(self) -> str:
        """easy, medium or hard, medium most often."""
        return self.rng.choices(("easy", "medium", "hard"), (0.3, 0.45, 0.25))[0]

    # -- answers --------------------------------------------------------------------------

    def answer(self, spec: TopicSpec) -> list[Block]:
        """1-6 sentences in one or two paragraphs, and sometimes a list, formula, code, image."""
        rng = self.rng
        sentences = [self.sentence(spec) for _ in range(rng.choice((1, 2, 2, 3, 3, 4, 5, 6)))]
        if rng.random() < INLINE_FORMULA:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                formula = self.formula()
                self.stats.inline_formulas += 1
                where = rng.randrange(len(sentences))
                sentences[where] = sentences[where][:-1] + rng.choice(
                    (f", with ${formula}$.", f", where ${formula}$ is the key term.",
                     f" (see ${formula}$)."))
        cut = rng.randint(1, len(sentences)) if len(sentences) > 2 else len(sentences)
        blocks = [Block("p", " ".join(sentences[:cut]))]
        rest = " ".join(sentences[cut:])
        if rng.random() < DISPLAY_FORMULA:
            self.stats.display_formulas += 1
            blocks.append(Block("math", self.formula(display=True)))
        if rng.random() < LIST:
            self.stats.lists += 1
            items = tuple(f"{rng.choice(OBJECTS)}{rng.choice(QUALIFIERS)}"
                          for _ in range(rng.randint(2, 5)))
            blocks.insert(1, Block("p", "Key points:"))
            blocks.insert(2, Block("list", items=items))
        if rng.random() < IMAGE:
            self.stats.images += 1
            index = rng.randrange(IMAGE_POOL)
            blocks.append(Block("img", f"{rng.choice(spec.terms)} illustrated",
                                language=_image_name(index)))
        if rng.random() < CODE:
            self.stats.code_blocks += 1
            language = rng.choices([c for c, _ in CODE_LANGUAGES],
                                   [w for _, w in CODE_LANGUAGES])[0]
            blocks.append(Block("p", "For example:"))
            blocks.append(Block("code", _code(rng, language, spec), language=language))
        if rest:
            blocks.append(Block("p", rest))
        return blocks

    def sentence(self, spec: TopicSpec) -> str:
        """One sentence about a term of the topic."""
        rng = self.rng
        term = rng.choice(spec.terms)
        other = rng.choice(spec.terms)
        form = rng.randrange(7)
        if form == 0:
            text = f"{term} {rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(QUALIFIERS)}."
        elif form == 1:
            text = f"It {rng.choice(VERBS)} {rng.choice(OBJECTS)}, which {rng.choice(EFFECTS)}."
        elif form == 2:
            text = f"Compared with {other}, it {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        elif form == 3:
            text = (f"In practice {term} is {rng.choice(ADJECTIVES)} when "
                    f"{rng.choice(CONDITIONS)}.")
        elif form == 4:
            text = f"A common mistake is to {rng.choice(MISTAKES)}; {rng.choice(FIXES)}."
        elif form == 5:
            text = f"Its cost grows {rng.choice(GROWTHS)}, which {rng.choice(EFFECTS)}."
        else:
            text = f"For example, take {rng.choice(EXAMPLES)}: {term} {rng.choice(EFFECTS)}."
        return text[0].upper() + text[1:]

    def formula(self, display: bool = False) -> str:
        """A formula from the pool; a few are very common, most are rare."""
        tex = self.rng.choices(self.formulas, self.formula_weights)[0]
        if display and len(tex) < 12:  # a display formula is an equation, not a symbol
            tex = self.rng.choice([f for f in self.formulas[:40] if len(f) >= 12])
        self.used_formulas.add(tex)
        return tex


def _formula_pool(rng: Random) -> list[str]:
    pool: dict[str, None] = {}
    while len(pool) < FORMULA_POOL:
        tex = rng.choice(FORMULA_TEMPLATES)
        a, b = rng.sample(LETTERS, 2)
        tex = (tex.replace("@a", a).replace("@b", b).replace("@N", rng.choice(SIZES))
               .replace("@i", rng.choice(INDICES)).replace("@k", str(rng.randint(1, 9))))
        pool.setdefault(tex)
    return list(pool)


def _identifier(term: str) -> str:
    words = re.findall(r"[a-z0-9]+", term.lower())
    name = "_".join(words) or "step"
    return name if name[0].isalpha() else f"f_{name}"


def _code(rng: Random, language: str, spec: TopicSpec) -> str:
    name = _identifier(rng.choice(spec.terms))
    size = rng.choice((8, 16, 32, 64, 128, 256))
    rate = rng.choice(("1e-3", "3e-4", "0.1", "0.01", "0.9"))
    if language == "python":
        lines = [f"def {name}(x: np.ndarray, scale: float = {rate}) -> np.ndarray:",
                 f'    """Apply {spec.terms[0]} to one batch."""']
        body = ["    x = x - x.mean(axis=-1, keepdims=True)",
                "    x = x / (x.std(axis=-1, keepdims=True) + 1e-8)",
                f"    weights = rng.normal(0.0, scale, size=(x.shape[-1], {size}))",
                "    out = x @ weights",
                "    out = np.maximum(out, 0.0)",
                "    mask = rng.random(out.shape) > scale",
                "    out = out * mask / (1.0 - scale)",
                f"    for _ in range({rng.randint(2, 9)}):",
                "        out = out - scale * np.sign(out)",
                f"    assert out.shape[-1] == {size}"]
        lines += rng.sample(body, rng.randint(2, len(body)))
        lines.append("    return out")
    elif language == "bash":
        lines = [f"python train.py --model {name} --batch-size {size} --lr {rate}",
                 f"python evaluate.py --checkpoint runs/{name}/last.pt --split test",
                 f"du -sh runs/{name}"][: rng.randint(1, 3)]
    elif language == "sql":
        lines = [f"SELECT run_id, AVG(loss) AS mean_loss FROM {name}_runs",
                 f"WHERE batch_size = {size} AND learning_rate = {rate}",
                 "GROUP BY run_id", "ORDER BY mean_loss", f"LIMIT {rng.randint(5, 50)};"]
    elif language == "cpp":
        lines = [f"void {name}(const float* x, float* y, int n) {{",
                 "  for (int i = 0; i < n; ++i) {",
                 f"    y[i] = x[i] > 0.0f ? x[i] * {rate}f : 0.0f;",
                 "  }", "}"]
    elif language == "javascript":
        lines = [f"function {name}(values) {{",
                 f"  return values.map((v) => Math.max(0, v) * {rate});", "}"]
    else:
        lines = [f"model: {name}", f"batch_size: {size}", f"learning_rate: {rate}",
                 f"epochs: {rng.randint(1, 90)}"]
    return "\n".join(lines)


def _image_name(index: int) -> str:
    return f"fig-{index:02d}.{'png' if index % 4 == 3 else 'svg'}"


def _svg(rng: Random, index: int) -> bytes:
    points = " ".join(f"{20 + 20 * i},{20 + rng.randint(0, 80)}" for i in range(11))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 120" width="240" '
            f'height="120">\n  <title>Figure {index}</title>\n'
            f'  <rect width="240" height="120" fill="white"/>\n'
            f'  <path d="M20 110 H230 M20 110 V10" stroke="black" fill="none"/>\n'
            f'  <polyline points="{points}" stroke="#1f4e8c" stroke-width="2" fill="none"/>\n'
            f"</svg>\n").encode()


def _png(rng: Random, width: int = 64, height: int = 48) -> bytes:
    """A small gradient picture as a valid PNG, without an imaging library."""
    shade = rng.randint(0, 255)
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, shade)) for x in range(width))
        for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


# -- dialect writers ----------------------------------------------------------------------


def _markdown(blocks: list[Block], indent: str = "") -> str:
    """Answer blocks as plain Markdown, every line prefixed with indent."""
    parts = []
    for block in blocks:
        if block.kind == "p":
            parts.append(block.text)
        elif block.kind == "list":
            parts.append("\n".join(f"- {item}" for item in block.items))
        elif block.kind == "code":
            parts.append(f"```{block.language}\n{block.text}\n```")
        elif block.kind == "math":
            parts.append(f"$$\n{block.text}\n$$" if len(block.text) > 60
                         else f"$${block.text}$$")
        else:
            parts.append(f"![{block.text}](images/{block.language})")
    text = "\n\n".join(parts)
    return "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))


def _bullets_answer(blocks: list[Block]) -> str:
    lines = []
    for block in blocks:
        if block.kind == "p":
            lines += [f"    - {sentence}" for sentence in _sentences(block.text)]
        elif block.kind == "list":
            lines += [f"        - {item}" for item in block.items]
        elif block.kind == "code":
            lines += [f"        ```{block.language}",
                      *[f"        {line}" if line else "" for line in block.text.split("\n")],
                      "        ```"]
        elif block.kind == "math":
            lines.append(f"    $${block.text}$$")
        else:
            lines.append(f"    - ![{block.text}](images/{block.language})")
    return "\n".join(lines)


def _sentences(text: str) -> list[str]:
    # Split after a full stop that ends a sentence, never inside a formula.
    parts, start, inside = [], 0, False
    for index, char in enumerate(text):
        if char == "$":
            inside = not inside
        elif char == "." and not inside and text[index + 1: index + 2] == " ":
            parts.append(text[start: index + 1])
            start = index + 2
    parts.append(text[start:])
    return [p for p in parts if p]


def _write_headings(rng: Random, title: str, sections: list[tuple[str, list[Question]]],
                    tags: tuple[str, ...]) -> str:
    numbered = rng.random() < 0.4
    out = []
    if tags:
        out.append(f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n---\n")
    out.append(f"# {title}\n")
    number = 0
    for heading, questions in sections:
        out.append(f"## {heading}\n")
        for q in questions:
            number += 1
            prefix = f"{number}. " if numbered else ""
            marker = f"[{q.difficulty[0].upper()}] " if rng.random() < 0.3 else ""
            out.append(f"### {prefix}{marker}{q.text}\n")
            if q.blocks:
                out.append(_markdown(q.blocks) + "\n")
    return "\n".join(out)


def _write_bullets(rng: Random, title: str, sections: list[tuple[str, list[Question]]],
                   tags: tuple[str, ...]) -> str:
    out = [f"# {title}\n"]
    for heading, questions in sections:
        out.append(f"## {heading}\n")
        lines = []
        for q in questions:
            tag = " #interview" if rng.random() < 0.05 else ""
            lines.append(f"- {q.text}{tag}")
            if q.blocks:
                lines.append(_bullets_answer(q.blocks))
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def _write_outline(rng: Random, title: str, sections: list[tuple[str, list[Question]]],
                   tags: tuple[str, ...]) -> str:
    out = [f"# {title}: self-test outline\n"]
    number = 0
    for heading, questions in sections:
        out.append(f"## {heading}")
        for q in questions:
            number += 1
            out.append(f"{number}. [{q.difficulty[0].upper()}] {q.text}")
            if q.blocks:
                out.append(_markdown(q.blocks, "    "))
        out.append("")
    return "\n".join(out)


def _write_admonition(rng: Random, title: str, sections: list[tuple[str, list[Question]]],
                      tags: tuple[str, ...]) -> str:
    out = [f"# {title}\n"]
    for heading, questions in sections:
        out.append(f"## {heading}\n")
        for q in questions:
            out.append('!!! Question ""\n    === "Question"\n'
                       f"        #### {q.text}\n\n    === \"Answer\"\n")
            if q.blocks:
                out.append(_markdown(q.blocks, "        ") + "\n")
    return "\n".join(out)


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line answers as literal blocks, like output/notes.yaml."""


_LiteralDumper.add_representer(
    str, lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def _write_yaml(rng: Random, title: str, sections: list[tuple[str, list[Question]]],
                tags: tuple[str, ...], path: str, first_id: int) -> str:
    by_topic: dict[str, list[Question]] = {}
    for _, questions in sections:
        for q in questions:
            by_topic.setdefault(q.topic, []).append(q)
    titles = {spec.slug: spec.title for spec in TOPICS}
    topics, skipped, number = [], [], first_id
    for slug, questions in by_topic.items():
        cards = []
        for q in questions:
            number += 1
            line = 7 + 9 * (number - first_id)
            if not q.blocks:
                skipped.append({"question": q.text, "reason": "unanswered",
                                "source": {"path": path, "line": line}})
                continue
            cards.append({"id": f"card-{number:05d}", "question": q.text,
                          "answer": _markdown(q.blocks), "difficulty": q.difficulty,
                          "tags": [slug, *tags], "source": {"path": path, "line": line}})
        topics.append({"slug": slug, "title": titles[slug], "cards": cards})
    data = {"schema_version": 1, "title": title, "topics": topics, "skipped": skipped}
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=None)


WRITERS = {"headings": _write_headings, "bullets": _write_bullets, "outline": _write_outline,
           "admonition": _write_admonition}
TAGS = ("interview", "exam", "review", "basics", "advanced", "revision")


def generate(n: int, directory: Path, seed: int = 0) -> Stats:
    """Write a corpus of about n cards to directory/notes and directory/config.yaml."""
    if n < 1:
        raise ValueError("the corpus needs at least one card")
    _check_vocabulary()
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()) and not (directory / MARKER).exists():
        raise FileExistsError(f"{directory} is not empty and was not made by this script")
    notes = directory / "notes"
    if notes.exists():
        shutil.rmtree(notes)
    (notes / "images").mkdir(parents=True)
    (directory / MARKER).write_text("generated by bench/generate.py\n")

    corpus = _Corpus(seed)
    rng = corpus.rng
    names, weights = list(DIALECTS), list(DIALECTS.values())
    files: list[tuple[str, str]] = []
    yaml_ids = 0
    while corpus.stats.answered < n:
        dialect = rng.choices(names, weights)[0]
        main = corpus.topic()
        size = rng.randint(12, 70)  # questions in this file
        sections: list[tuple[str, list[Question]]] = []
        written = 0
        while written < size and corpus.stats.answered < n:
            spec = main if not sections or rng.random() < 0.3 else corpus.topic()
            questions = []
            for _ in range(min(rng.randint(6, 20), size - written)):
                questions.append(corpus.question(spec))
                if corpus.stats.answered >= n:
                    break
            written += len(questions)
            sections.append((rng.choice(spec.headings), questions))
        index = len(files)
        title = f"{main.title} notes {index + 1}"
        tags = tuple(rng.sample(TAGS, rng.randint(1, 2))) if rng.random() < 0.3 else ()
        if dialect == "yaml":
            name = f"{index:04d}-{main.slug}.yaml"
            text = _write_yaml(rng, title, sections, tags, name, yaml_ids)
            yaml_ids += sum(len(qs) for _, qs in sections)
        else:
            name = f"{index:04d}-{dialect}-{main.slug}.md"
            text = WRITERS[dialect](rng, title, sections, tags)
        files.append((name, text))
        corpus.stats.files[dialect] += 1
        corpus.stats.questions[dialect] += sum(len(qs) for _, qs in sections)

    for name, text in files:
        data = text.encode()
        corpus.stats.bytes += len(data)
        (notes / name).write_bytes(data)
    image_rng = Random(seed * 31 + 7)
    for index in range(IMAGE_POOL):
        name = _image_name(index)
        data = _png(image_rng) if name.endswith(".png") else _svg(image_rng, index)
        (notes / "images" / name).write_bytes(data)
    corpus.stats.distinct_formulas = len(corpus.used_formulas)
    (directory / "config.yaml").write_text(config_text(n, seed), encoding="utf-8")
    return corpus.stats


def config_text(n: int, seed: int) -> str:
    """The config.yaml of a corpus: every output, and the benchmark taxonomy."""
    data = {
        "title": f"Benchmark notes ({n} cards, seed {seed})",
        "sources": ["notes"],
        "output": "output",
        "lock": "studypack.lock",
        "outputs": ["yaml", "anki", "cheatsheet", "handouts"],
        "default_topic": "other",
        "topics": [{"slug": s.slug, "title": s.title, "sections": list(s.stems),
                    "words": [t.lower() for t in s.terms]} for s in TOPICS],
    }
    header = "# Generated by bench/generate.py; regenerate rather than edit.\n"
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _check_vocabulary() -> None:
    """Each question must match its own topic's words and no other topic's."""
    patterns = {s.slug: re.compile(r"\b(?:" + "|".join(re.escape(t.lower()) for t in s.terms)
                                   + ")", re.I) for s in TOPICS}
    for spec in TOPICS:
        for text in (*spec.terms, *CONTEXTS, *SINGLE, *PAIR):
            for slug, pattern in patterns.items():
                if slug != spec.slug and pattern.search(text.format(t="", u="", c="")):
                    raise AssertionError(f"{text!r} of {spec.slug} matches topic {slug}")
    counts = Counter(t.lower() for s in TOPICS for t in s.terms)
    repeated = [t for t, c in counts.items() if c > 1]
    if repeated:
        raise AssertionError(f"terms in more than one topic: {repeated}")


def capacity() -> int:
    """How many distinct questions the vocabulary can ask."""
    return sum(len(s.terms) * len(CONTEXTS) + math.comb(len(s.terms), 2) for s in TOPICS)


def main(argv: list[str] | None = None) -> int:
    """Command line: generate N DIR [--seed S]."""
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of study notes.")
    parser.add_argument("n", type=int, help=f"answered questions (at most {capacity():,})")
    parser.add_argument("directory", type=Path, help="folder for notes/ and config.yaml")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    stats = generate(args.n, args.directory, args.seed)
    print(f"{args.directory}: {sum(stats.files.values())} files, {stats.answered} answered, "
          f"{stats.unanswered} unanswered, {stats.duplicates} repeated questions, "
          f"{stats.inline_formulas} inline and {stats.display_formulas} display formulas "
          f"({stats.distinct_formulas} distinct), {stats.code_blocks} code blocks, "
          f"{stats.images} images, {stats.bytes:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
